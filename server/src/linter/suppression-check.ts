// Suppressions that silence nothing: a rule of this tool named in a directive
// that covers no finding of it, or a name that is a misspelling of one of its
// rules. Reported (as hints in the editor, with --report-unused-suppressions
// in the CLI) so that stale directives do not hide the next real bug on their
// line. Names of other tools (`//nolint:errcheck`), `all`, a bare `//nolint`
// and the peers' checks (`govet`, `SA1012`) are other linters' business and
// never reported: this tool cannot know whether they silence something.
import type { Finding, TextEdit } from '../ruleapi/rule';
import { nearestRuleId } from './config';
import type { LineIndex } from '../engine/positions';
import { RULES, RULES_BY_ID } from './registry';
import { TOOL, type Directive, type DirectiveName, type Suppressions } from './suppressions';

export const UNUSED_SUPPRESSION = 'unused-suppression';
export const UNUSED_SUPPRESSION_SUMMARY = 'A suppression comment that names a rule of this tool but silences nothing, or names a rule that does not exist.';

/** Names some rule's peers use: never this tool's misspellings. */
const PEER_NAMES = new Set(RULES.flatMap((r) => (r.peers ?? []).flatMap((p) => [p.linter, ...(p.checks ?? [])])));

/**
 * The findings for directives that silence nothing. `checked` are the rules
 * that ran to the end on this file: a directive for a rule that did not run
 * (turned off, failed, stopped at its budget) is not judged.
 */
export function suppressionFindings(suppressions: Suppressions, checked: ReadonlySet<string>, text: string, lines: LineIndex): Finding[] {
  const findings: Finding[] = [];
  for (const directive of suppressions.directives) {
    if (directive.form === 'nosec') continue;
    for (const entry of directive.names) {
      const { name } = entry;
      if (RULES_BY_ID.has(name)) {
        if (checked.has(name) && !directive.used.has(name)) findings.push(unused(directive, entry, `${name} finds no problem ${where(directive)}`, text, lines));
      } else if (name === TOOL) {
        if (directive.used.size === 0 && RULES.every((r) => r.optIn || checked.has(r.id))) findings.push(unused(directive, entry, `no rule of ${TOOL} finds a problem ${where(directive)}`, text, lines));
      } else if (name !== 'all' && !PEER_NAMES.has(name)) {
        const near = nearestRuleId(name);
        if (!near) continue;
        findings.push({
          ruleId: UNUSED_SUPPRESSION,
          severity: 'hint',
          start: entry.start,
          end: entry.end,
          message: `"${name}" is not a rule of ${TOOL} (did you mean "${near}"?), so this suppression silences nothing`,
          related: [],
          // Neither is preferred: either may bring back a finding the user meant to silence.
          fixes: [
            { title: `Replace with ${near}`, edits: [{ start: entry.start, end: entry.end, newText: near }] },
            { title: `Remove ${name} from this suppression`, edits: removal(directive, entry, text, lines) },
          ],
        });
      }
    }
  }
  return findings;
}

function where(directive: Directive): string {
  if (!directive.lines) return 'in this file';
  const { first, last } = directive.lines;
  return first === last ? `on the line it covers (${first + 1})` : `on the lines it covers (${first + 1}-${last + 1})`;
}

function unused(directive: Directive, entry: DirectiveName, why: string, text: string, lines: LineIndex): Finding {
  return {
    ruleId: UNUSED_SUPPRESSION,
    severity: 'hint',
    start: entry.start,
    end: entry.end,
    message: `this suppression of ${entry.name} silences nothing: ${why}`,
    related: [],
    // Removing a comment cannot change what the program does.
    fixes: [{ title: directive.names.length > 1 ? `Remove ${entry.name} from this suppression` : 'Remove this suppression', edits: removal(directive, entry, text, lines), preferred: true }],
  };
}

/** The edits that take `entry` out of its directive: the name and a comma, or the whole comment when it is the only name. */
function removal(directive: Directive, entry: DirectiveName, text: string, lines: LineIndex): TextEdit[] {
  const i = directive.names.indexOf(entry);
  if (directive.names.length > 1) {
    // "a,b,c" without b is "a,c": take the comma before it, or after it when it comes first.
    return i > 0 ? [{ start: directive.names[i - 1].end, end: entry.end, newText: '' }] : [{ start: entry.start, end: directive.names[1].start, newText: '' }];
  }
  const { start, end } = directive.comment;
  const line = lines.lineOf(start);
  const lineStart = lines.offset({ line, character: 0 });
  const nextLine = lines.offset({ line: line + 1, character: 0 });
  const before = text.slice(lineStart, start);
  const after = text.slice(end, nextLine);
  // Alone on its line: the whole line goes. At the end of code: the comment and the blanks before it.
  if (before.trim() === '' && after.trim() === '') return [{ start: lineStart, end: nextLine, newText: '' }];
  return [{ start: lineStart + before.trimEnd().length, end, newText: '' }];
}
