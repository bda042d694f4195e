// Reads the expected findings annotated in a fixture's Go source:
//
//	ctx, cancel := context.WithCancel(parent)
//	//             ^^^^^^^^^^^^^^^^^^ lost-cancel: optional message substring
//	return err
//	// @2 10 ~ lost-cancel
//
// `^` marks a finding, `~` a related location of the last `^` finding of
// the same rule, `+` a related location of the next `^` finding of the
// same rule (a place that comes before its finding), and `&` a related
// location of a finding reported in another file of the fixture's directory
// (readElsewhere), each on the nearest preceding non-blank line that is not
// an annotation.
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

const CARETS = /^(\s*\/\/\s*)([\^~+&]+)\s+([a-z0-9-]+)(?::\s*(.*))?$/;
const EXPLICIT = /^\s*\/\/ @(\d+) (\d+) ([\^~+&]) ([a-z0-9-]+)(?::\s*(.*))?$/;

/** The `&` marks of a fixture: related locations of findings reported in other files, with their rule. */
export function readElsewhere(text: string): (ExpectedRange & { ruleId: string })[] {
  return marks(text).filter((m) => m.mark === '&').map(({ mark: _, ...range }) => range);
}

/** Every mark of a fixture, on the line it annotates. */
function marks(text: string): (ExpectedRange & { mark: string; ruleId: string; message?: string })[] {
  const lines = text.split('\n');
  const out: (ExpectedRange & { mark: string; ruleId: string; message?: string })[] = [];
  let target = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const carets = CARETS.exec(line);
    const explicit = EXPLICIT.exec(line);
    if (!carets && !explicit) {
      if (line.trim() !== '') target = i;
      continue;
    }
    if (target < 0) throw new Error(`annotation on line ${i + 1} has no code line above it`);
    const [start, length, mark, ruleId, message] = carets
      ? [carets[1].length, carets[2].length, carets[2][0], carets[3], carets[4]]
      : [Number(explicit![1]) - 1, Number(explicit![2]), explicit![3], explicit![4], explicit![5]];
    out.push({ line: target, start, end: start + length, mark, ruleId, message });
  }
  return out;
}

export function readAnnotations(text: string): ExpectedFinding[] {
  const findings: ExpectedFinding[] = [];
  const pending = new Map<string, ExpectedRange[]>();
  for (const { mark, ruleId, message, ...range } of marks(text)) {
    if (mark === '^') {
      findings.push({ ...range, ruleId, message: message?.trim() || undefined, related: pending.get(ruleId) ?? [] });
      pending.delete(ruleId);
    } else if (mark === '+') {
      pending.set(ruleId, [...(pending.get(ruleId) ?? []), range]);
    } else if (mark === '~') {
      const owner = [...findings].reverse().find((f) => f.ruleId === ruleId);
      if (!owner) throw new Error(`related mark on line ${range.line + 1} has no ${ruleId} finding before it`);
      owner.related.push(range);
    }
  }
  for (const ruleId of pending.keys()) throw new Error(`a related mark (+) of ${ruleId} has no finding after it`);
  return findings;
}
