// Text edits that rules build their fixes from.
import type { Node } from 'web-tree-sitter';
import { indentationAt } from '../engine/syntax';
import type { TextEdit } from './rule';

/**
 * Inserts `line` (already indented) as a new line after `statement`. When
 * only a comment follows the statement on its line, the new line goes after
 * that comment so the comment stays with its statement.
 */
export function insertLineAfter(text: string, statement: Node, line: string): TextEdit {
  const lineEnd = text.indexOf('\n', statement.endIndex);
  const end = lineEnd === -1 ? text.length : lineEnd;
  const rest = text.slice(statement.endIndex, end);
  const at = /^\s*(\/\/.*)?\r?$/.test(rest) ? end - (rest.endsWith('\r') ? 1 : 0) : statement.endIndex;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { start: at, end: at, newText: `${newline}${line}` };
}

/** Inserts `line` on a new line before `statement`, with the statement's indentation. */
export function insertLineBefore(text: string, statement: Node, line: string): TextEdit {
  const indentation = indentationAt(text, statement.startIndex);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { start: statement.startIndex, end: statement.startIndex, newText: `${line}${newline}${indentation}` };
}

export function replaceNode(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/** Deletes a statement alone on its line(s), with its line; null when code or a comment shares its first or last line. */
export function deleteStatementLines(text: string, statement: Node): TextEdit | null {
  const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const lineEnd = text.indexOf('\n', statement.endIndex);
  if (text.slice(lineStart, statement.startIndex).trim() !== '') return null;
  if (text.slice(statement.endIndex, lineEnd === -1 ? text.length : lineEnd).trim() !== '') return null;
  return { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1, newText: '' };
}
