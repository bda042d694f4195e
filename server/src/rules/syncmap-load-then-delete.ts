// syncmap-load-then-delete: `v, ok := m.Load(k)` and, when found,
// `m.Delete(k)`: two goroutines can both load the value before either
// deletes it, so both take it. LoadAndDelete takes it atomically.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { actsOnLoadedEntry, checkedLoad, compactText, syncMapCall, type SyncMapRead, textMaySyncValue } from '../engine/syncmap';
import { isFunction, walk } from '../engine/syntax';
import type { Fix, Rule } from '../ruleapi/rule';

export const syncmapLoadThenDelete: Rule = {
  id: 'syncmap-load-then-delete',
  category: 'sync',
  defaultSeverity: 'warning',
  summary: 'A sync.Map Delete runs when a Load of the same key found it: two goroutines can both take the value; LoadAndDelete takes it once.',
  nodeTypes: ['call_expression'],
  tokens: ['Delete('],
  // Only a sync.Map can be the receiver: the file or another of its package names the type.
  mayFire: (text, path, packages) => textMaySyncValue(packages, path, text, 'Map'),
  visit(call, context) {
    const { file } = context;
    const load = checkedLoad(file, call);
    if (!load) return;
    const { read, branches, fn } = load;
    for (const region of branches.found) {
      // The Delete must run whenever the key was found: a statement of the
      // found branch itself (not nested in another if, loop or switch),
      // with nothing before it in that branch that can leave.
      const statements = region.type === 'block' ? blockStatements(region) : [region];
      for (const statement of statements) {
        const deletion = deleteOf(file, statement);
        if (!deletion) {
          if (canLeave(file, statement)) break;
          continue;
        }
        if (!actsOnLoadedEntry(file, load, deletion)) continue;
        const map = compactText(read.map);
        const fixes: Fix[] = [];
        const fix = loadAndDeleteFix(file, read, statement, fn);
        if (fix) fixes.push(fix);
        context.report({
          start: deletion.call.startIndex,
          end: deletion.call.endIndex,
          message: `${map}.Delete runs after ${map}.Load found ${compactText(read.args[0])}, but another goroutine can load the same value in between and both use it; use ${map}.LoadAndDelete to take it once`,
          fixes,
        });
        return;
      }
      if (region.type !== 'block') {
        if (canLeave(file, region)) break;
      }
    }
  },
};

function blockStatements(block: Node): Node[] {
  const list = block.namedChildren.find((c) => c?.type === 'statement_list');
  return list ? list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [];
}

function deleteOf(file: GoFile, statement: Node) {
  if (statement.type !== 'expression_statement') return null;
  const call = statement.namedChild(0);
  const info = call ? syncMapCall(file, call) : null;
  return info?.method === 'Delete' && info.args.length === 1 ? info : null;
}

/** True when the statement may jump away or stop: return, break, continue, goto, a call that never returns. */
function canLeave(file: GoFile, statement: Node): boolean {
  let found = false;
  walk(statement, (n) => {
    if (found) return false;
    if (n !== statement && isFunction(n)) return false;
    if (['return_statement', 'break_statement', 'continue_statement', 'goto_statement'].includes(n.type)) found = true;
    if (n.type === 'call_expression' && file.neverReturns(n)) found = true;
    return !found;
  });
  return found;
}

/**
 * `m.Load(k)` becomes `m.LoadAndDelete(k)` and the Delete statement goes.
 * Preferred when nothing between the two uses the map: the entry now
 * disappears at the Load instead of at the Delete.
 */
function loadAndDeleteFix(file: GoFile, read: SyncMapRead, deleteStatement: Node, fn: Node): Fix | null {
  const selector = read.call.childForFieldName('function');
  const field = selector?.childForFieldName('field');
  if (!field) return null;
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', deleteStatement.startIndex - 1) + 1;
  let lineEnd = text.indexOf('\n', deleteStatement.endIndex);
  if (lineEnd === -1) lineEnd = text.length;
  if (text.slice(lineStart, deleteStatement.startIndex).trim() !== '' || text.slice(deleteStatement.endIndex, lineEnd).trim() !== '') return null;
  const map = compactText(read.map);
  let usesMap = false;
  walk(fn, (n) => {
    if (usesMap || n.endIndex <= read.call.endIndex || n.startIndex >= deleteStatement.startIndex) return !usesMap && !(n.startIndex >= deleteStatement.startIndex);
    if (n.type === 'selector_expression' && compactText(n) === map) usesMap = true;
    if (n.type === 'identifier' && n.text === map) usesMap = true;
    return !usesMap;
  });
  return {
    title: `Use ${map}.LoadAndDelete and drop the Delete`,
    edits: [
      { start: field.startIndex, end: field.endIndex, newText: 'LoadAndDelete' },
      { start: lineStart, end: Math.min(lineEnd + 1, text.length), newText: '' },
    ],
    preferred: !usesMap,
  };
}
