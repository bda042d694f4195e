// Reads the expected findings annotated in a fixture's Go source:
//
//	ctx, cancel := context.WithCancel(parent)
//	//             ^^^^^^^^^^^^^^^^^^ lost-cancel: optional message substring
//	return err
//	// @2 10 ~ lost-cancel
//
// `^` marks a finding, `~` a related location of the last `^` finding of
// the same rule, and `+` a related location of the next `^` finding of the
// same rule (a place that comes before its finding), each on the nearest
// preceding non-blank line that is not an annotation.
// Columns are UTF-16 code units. `// @<col> <len> <mark> <rule>` gives the
// 1-based column and length explicitly where carets cannot stand.
export interface ExpectedRange {
  line: number;
  start: number;
  end: number;
}

export interface ExpectedFinding extends ExpectedRange {
  ruleId: string;
  message?: string;
  related: ExpectedRange[];
}

const CARETS = /^(\s*\/\/\s*)([\^~+]+)\s+([a-z0-9-]+)(?::\s*(.*))?$/;
const EXPLICIT = /^\s*\/\/ @(\d+) (\d+) ([\^~+]) ([a-z0-9-]+)(?::\s*(.*))?$/;

export function readAnnotations(text: string): ExpectedFinding[] {
  const lines = text.split('\n');
  const findings: ExpectedFinding[] = [];
  let target = -1;
  const pending = new Map<string, ExpectedRange[]>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    let mark: string, ruleId: string, message: string | undefined, start: number, length: number;
    const carets = CARETS.exec(line);
    const explicit = EXPLICIT.exec(line);
    if (carets) {
      [, , mark, ruleId, message] = carets;
      start = carets[1].length;
      length = mark.length;
      mark = mark[0];
    } else if (explicit) {
      start = Number(explicit[1]) - 1;
      length = Number(explicit[2]);
      [mark, ruleId, message] = [explicit[3], explicit[4], explicit[5]];
    } else {
      if (line.trim() !== '') target = i;
      continue;
    }
    if (target < 0) throw new Error(`annotation on line ${i + 1} has no code line above it`);
    const range = { line: target, start, end: start + length };
    if (mark === '^') {
      findings.push({ ...range, ruleId, message: message?.trim() || undefined, related: pending.get(ruleId) ?? [] });
      pending.delete(ruleId);
    } else if (mark === '+') {
      pending.set(ruleId, [...(pending.get(ruleId) ?? []), range]);
    } else {
      const owner = [...findings].reverse().find((f) => f.ruleId === ruleId);
      if (!owner) throw new Error(`related mark on line ${i + 1} has no ${ruleId} finding before it`);
      owner.related.push(range);
    }
  }
  for (const ruleId of pending.keys()) throw new Error(`a related mark (+) of ${ruleId} has no finding after it`);
  return findings;
}
