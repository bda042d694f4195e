// The edits of "Disable <rule> for this line" and "Disable <rule> for this
// file": a `//nolint:<rule> // reason` directive (golangci-lint's form, which
// this tool honours) and a `//lint:file-ignore <rule> reason` directive
// (staticcheck's), each merged into a directive already there. The
// placeholder reason is returned so that the editor can select it.
import type { Node } from 'web-tree-sitter';
import type { Span, TextEdit } from '../ruleapi/rule';
import type { LineIndex } from '../engine/positions';
import { Suppressions } from './suppressions';

export const REASON_PLACEHOLDER = 'reason';

export interface SuppressionEdit {
  edits: TextEdit[];
  /** Where the placeholder reason is in the text after the edits, when one was written. */
  reason?: Span;
}

/**
 * Silences `ruleId` on the 0-based `line`: merged into a `//nolint:` at the
 * end of that line, else appended to the line, else (the line ends in another
 * comment or inside a raw string) alone on a new line above it, where it
 * covers the statement that starts there. Undefined when no place is safe.
 */
export function disableForLine(root: Node, text: string, lines: LineIndex, ruleId: string, line: number): SuppressionEdit | undefined {
  const lineStart = lines.offset({ line, character: 0 });
  const lineEnd = lineStart + lineContent(text, lineStart).length;
  const existing = new Suppressions(root, lines, text).directives.find(
    (d) => d.form === 'nolint' && d.names.length > 0 && lines.lineOf(d.comment.start) === line && text.slice(lineStart, d.comment.start).trim() !== '',
  );
  if (existing) return { edits: [{ start: existing.names[existing.names.length - 1].end, end: existing.names[existing.names.length - 1].end, newText: `,${ruleId}` }] };

  const code = text.slice(lineStart, lineEnd).trimEnd();
  const last = code.length > 0 ? root.descendantForIndex(lineStart + code.length - 1, lineStart + code.length) : null;
  // The last character is plain code when no comment ends the line and no token goes on past it.
  if (last && last.type !== 'comment' && last.endIndex <= lineEnd) {
    const newText = ` //nolint:${ruleId} // ${REASON_PLACEHOLDER}`;
    const at = lineStart + code.length;
    return { edits: [{ start: at, end: lineEnd, newText }], reason: { start: at + newText.length - REASON_PLACEHOLDER.length, end: at + newText.length } };
  }
  if (startsInsideToken(root, lineStart)) return undefined;
  const indentation = /^[ \t]*/.exec(text.slice(lineStart, lineEnd))![0];
  const newText = `${indentation}//nolint:${ruleId} // ${REASON_PLACEHOLDER}${lineBreakOf(text)}`;
  const end = lineStart + indentation.length + `//nolint:${ruleId} // ${REASON_PLACEHOLDER}`.length;
  return { edits: [{ start: lineStart, end: lineStart, newText }], reason: { start: end - REASON_PLACEHOLDER.length, end } };
}

/** Silences `ruleId` in the whole file: merged into a `//lint:file-ignore`, else a new one after the package clause. */
export function disableForFile(root: Node, text: string, lines: LineIndex, ruleId: string): SuppressionEdit {
  const existing = new Suppressions(root, lines, text).directives.find((d) => d.form === 'lint:file-ignore' && d.names.length > 0);
  if (existing) return { edits: [{ start: existing.names[existing.names.length - 1].end, end: existing.names[existing.names.length - 1].end, newText: `,${ruleId}` }] };
  const directive = `//lint:file-ignore ${ruleId} ${REASON_PLACEHOLDER}`;
  const eol = lineBreakOf(text);
  const packageClause = root.namedChildren.find((n) => n?.type === 'package_clause');
  if (!packageClause) return { edits: [{ start: 0, end: 0, newText: `${directive}${eol}${eol}` }], reason: { start: directive.length - REASON_PLACEHOLDER.length, end: directive.length } };
  // After the package clause's line, a blank line either side: above it, it would be part of the package's doc comment.
  const line = lines.lineOf(packageClause.endIndex);
  const lineStart = lines.offset({ line, character: 0 });
  const at = lineStart + lineContent(text, lineStart).length;
  const nextStart = lines.offset({ line: line + 1, character: 0 });
  const nextBlank = nextStart >= text.length || lineContent(text, nextStart).trim() === '';
  const newText = `${eol}${eol}${directive}${nextBlank ? '' : eol}`;
  const reasonEnd = at + 2 * eol.length + directive.length;
  return { edits: [{ start: at, end: at, newText }], reason: { start: reasonEnd - REASON_PLACEHOLDER.length, end: reasonEnd } };
}

/** True when the line at `lineStart` begins inside a raw string or block comment from an earlier line. */
function startsInsideToken(root: Node, lineStart: number): boolean {
  const node = root.descendantForIndex(lineStart, lineStart + 1);
  return !!node && node.startIndex < lineStart && (node.type === 'raw_string_literal' || node.type === 'raw_string_literal_content' || node.type === 'comment');
}

/** The text of the line that starts at `lineStart`, without its line break. */
function lineContent(text: string, lineStart: number): string {
  let end = lineStart;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return text.slice(lineStart, end);
}

function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
