// syncmap-unchecked-assertion: `v, _ := m.Load(k)` then `v.(T)`: when the key
// is missing, v is nil and the single-value type assertion panics.
import type { Node } from 'web-tree-sitter';
import { freeName } from '../engine/names';
import { compactText, quietExit, syncMapRead, type SyncMapRead, textMaySyncValue } from '../engine/syncmap';
import { indentationAt, namedChildren, unparen } from '../engine/syntax';
import type { GoFile } from '../engine/file';
import { insertLineAfter } from '../ruleapi/edits';
import type { Fix, Rule } from '../ruleapi/rule';

/** The reads whose value is nil when the key is missing. */
const NIL_WHEN_MISSING = new Set(['Load', 'LoadAndDelete', 'Swap']);

export const syncmapUncheckedAssertion: Rule = {
  id: 'syncmap-unchecked-assertion',
  category: 'sync',
  defaultSeverity: 'warning',
  summary: 'A value read from a sync.Map is type-asserted without checking that the key was found: a missing key gives nil and the assertion panics.',
  nodeTypes: ['type_assertion_expression'],
  tokens: ['Load(', 'LoadAndDelete(', 'Swap('],
  // Only a sync.Map can be the receiver: the file or another of its package names the type.
  mayFire: (text, path, packages) => textMaySyncValue(packages, path, text, 'Map'),
  visit(assertion, context) {
    const { file } = context;
    // In a test, the panic is a test failure with a stack trace: what an assertion would give.
    if (file.isTestFile || isCommaOk(assertion)) return;
    const operand = assertion.childForFieldName('operand');
    if (!operand || unparen(operand).type !== 'identifier') return;
    const value = unparen(operand);
    const declaration = file.resolution.resolve(value);
    if (!declaration || declaration.kind !== 'local') return;
    const read = readDeclaring(file, declaration.node);
    if (!read || !NIL_WHEN_MISSING.has(read.method) || read.value?.id !== declaration.node.id) return;
    if (read.call.endIndex > assertion.startIndex) return;
    // The found flag (or the value itself) is looked at before the assertion.
    if (read.ok) {
      const okDeclaration = file.resolution.resolve(read.ok);
      if (!okDeclaration || file.resolution.referencesTo(okDeclaration).some((r) => r.startIndex < assertion.startIndex)) return;
    }
    for (const ref of file.resolution.referencesTo(declaration)) {
      if (ref.startIndex >= assertion.startIndex) break;
      if (ref.startIndex > read.call.endIndex && checksOrChanges(ref)) return;
    }
    const map = compactText(read.map);
    const fixes: Fix[] = [];
    const fix = commaOkFix(file, assertion);
    if (fix) fixes.push(fix);
    context.report({
      start: assertion.startIndex,
      end: assertion.endIndex,
      message: `${value.text} comes from ${map}.${read.method} and is nil when the key is missing, so this type assertion panics; check the found flag or use the two-value form`,
      fixes,
    });
  },
};

function readDeclaring(file: GoFile, identifier: Node): SyncMapRead | null {
  let statement = identifier.parent;
  if (statement?.type === 'expression_list') statement = statement.parent;
  if (statement?.type !== 'short_var_declaration' && statement?.type !== 'var_spec') return null;
  const right = statement.childForFieldName(statement.type === 'var_spec' ? 'value' : 'right');
  const values = right ? namedChildren(right) : [];
  if (values.length !== 1 || unparen(values[0]).type !== 'call_expression') return null;
  return syncMapRead(file, values[0]);
}

/** `x, ok := v.(T)`, `var x, ok = v.(T)`, `x, ok = v.(T)`. */
function isCommaOk(assertion: Node): boolean {
  let n = assertion;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const list = n.parent;
  if (list?.type !== 'expression_list' || namedChildren(list).length !== 1) return false;
  const statement = list.parent;
  if (!statement) return false;
  if (statement.type === 'var_spec') return statement.childrenForFieldName('name').length === 2;
  const left = statement.childForFieldName('left');
  return !!left && left.id !== list.id && namedChildren(left).length === 2;
}

/** A reference that compares the value (`v == nil`, `v != nil`), asserts it with comma-ok or a type switch, or assigns to it. */
function checksOrChanges(ref: Node): boolean {
  let n = ref;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (!parent) return false;
  if (parent.type === 'binary_expression') return true;
  if (parent.type === 'type_assertion_expression') return isCommaOk(parent) || parent.parent?.type === 'type_switch_header';
  if (parent.type === 'type_switch_statement' || parent.type === 'type_switch_header') return true;
  if (parent.type === 'expression_list') {
    const statement = parent.parent;
    return (statement?.type === 'assignment_statement' || statement?.type === 'short_var_declaration') && statement.childForFieldName('left')?.id === parent.id;
  }
  return false;
}

/**
 * `x := v.(T)` standing on its own becomes `x, ok := v.(T)` followed by
 * `if !ok { return ... }` (or `continue` in a loop). Not preferred: it turns
 * a panic into a silent early exit, which the caller may not expect.
 */
function commaOkFix(file: GoFile, assertion: Node): Fix | null {
  const list = assertion.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'short_var_declaration' || statement.parent?.type !== 'statement_list') return null;
  const left = statement.childForFieldName('left');
  const targets = left ? namedChildren(left) : [];
  if (targets.length !== 1 || namedChildren(list).length !== 1 || !left) return null;
  const exit = quietExit(statement);
  if (!exit) return null;
  const ok = freeName(file, statement, 'ok');
  const indentation = indentationAt(file.text, statement.startIndex);
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  return {
    title: `Use the two-value form and ${exit.split(' ')[0]} when the value is missing`,
    edits: [
      { start: left.endIndex, end: left.endIndex, newText: `, ${ok}` },
      insertLineAfter(file.text, statement, `${indentation}if !${ok} {${newline}${indentation}\t${exit}${newline}${indentation}}`),
    ],
  };
}
