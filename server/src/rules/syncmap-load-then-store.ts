// syncmap-load-then-store: `v, ok := m.Load(k)` and, when the key is missing,
// `m.Store(k, x)`: two goroutines can both miss and both store, and one of
// the two values is lost (check-then-act). LoadOrStore does it atomically.
import type { Node } from 'web-tree-sitter';
import { actsOnLoadedEntry, checkedLoad, compactText, isMemoStore, syncMapCallsIn, type OkBranches, type SyncMapRead, textMaySyncValue } from '../engine/syncmap';
import { indentationAt, namedChildren, statementsOf, walk } from '../engine/syntax';
import type { Fix, Rule } from '../ruleapi/rule';

export const syncmapLoadThenStore: Rule = {
  id: 'syncmap-load-then-store',
  category: 'sync',
  defaultSeverity: 'warning',
  optIn: true,
  summary: 'A sync.Map Store runs when a Load of the same key found nothing: concurrent callers both miss, both store, and one value is lost.',
  nodeTypes: ['call_expression'],
  tokens: ['Store('],
  // Only a sync.Map can be the receiver: the file or another of its package names the type.
  mayFire: (text, path, packages) => textMaySyncValue(packages, path, text, 'Map'),
  visit(call, context) {
    const { file } = context;
    const load = checkedLoad(file, call);
    if (!load) return;
    const { read, branches } = load;
    const key = read.args[0];
    for (const store of syncMapCallsIn(file, branches.missing, 'Store')) {
      if (store.args.length !== 2 || !actsOnLoadedEntry(file, load, store) || isMemoStore(file, store)) continue;
      const map = compactText(read.map);
      const fixes: Fix[] = [];
      const fix = loadOrStoreFix(file.text, read, branches, store.call, map);
      if (fix) fixes.push(fix);
      context.report({
        start: store.call.startIndex,
        end: store.call.endIndex,
        message: `${map}.Store runs after ${map}.Load found no ${compactText(key)}, but another goroutine can store the key in between: both miss, both store, and one value is lost; use ${map}.LoadOrStore`,
        fixes,
      });
    }
  },
};

/**
 * `if _, ok := m.Load(k); !ok { m.Store(k, v) }` (or the same with the read
 * on the line before and `ok` used nowhere else) becomes
 * `m.LoadOrStore(k, v)`. Preferred when `v` has no calls: LoadOrStore
 * evaluates it even when the key is present.
 */
function loadOrStoreFix(text: string, read: SyncMapRead, branches: OkBranches, store: Node, map: string): Fix | null {
  const { ifStatement } = branches;
  if (read.value || ifStatement.childForFieldName('alternative')) return null;
  const consequence = ifStatement.childForFieldName('consequence');
  const body = consequence ? statementsOf(consequence) : [];
  if (body.length !== 1 || body[0].type !== 'expression_statement' || body[0].namedChild(0)?.id !== store.id) return null;
  if (branches.missing.length !== 1 || branches.missing[0].id !== consequence?.id) return null;
  let start = ifStatement.startIndex;
  if (!branches.inInitializer) {
    if (read.statement.parent?.type !== 'statement_list') return null;
    // `ok` must be used by the if's condition only.
    let uses = 0;
    walk(read.statement.parent, (n) => {
      if (n.type === 'identifier' && n.text === read.ok!.text && n.id !== read.ok!.id) uses++;
      return true;
    });
    if (uses !== 1 || read.statement.type !== 'short_var_declaration') return null;
    start = read.statement.startIndex;
  }
  // Comments inside the replaced statements are kept, on their own lines before the call.
  const comments: string[] = [];
  walk(read.statement.parent!, (n) => {
    if (n.type === 'comment' && n.startIndex >= start && n.endIndex <= ifStatement.endIndex) comments.push(n.text);
    return true;
  });
  const indentation = indentationAt(text, start);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = comments.map((c) => `${c}${newline}${indentation}`).join('');
  const storeArgs = store.childForFieldName('arguments');
  const args = storeArgs ? namedChildren(storeArgs) : [];
  if (args.length !== 2) return null;
  let pure = true;
  walk(args[1], (n) => {
    if (n.type === 'call_expression' || n.type === 'receive_expression' || n.type === 'unary_expression' && n.child(0)?.text === '<-') pure = false;
    return pure;
  });
  return {
    title: `Replace with ${map}.LoadOrStore`,
    edits: [{ start, end: ifStatement.endIndex, newText: `${prefix}${read.map.text}.LoadOrStore(${args[0].text}, ${args[1].text})` }],
    preferred: pure,
  };
}
