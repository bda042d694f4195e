// syncmap-load-modify-store: `v, _ := m.Load(k)`, a new value computed from
// v, then `m.Store(k, newV)`: two goroutines can both load the same old
// value, and the second Store overwrites the first one's update.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { goVersionAtLeast } from '../engine/gomod';
import { compactText, locksBefore, writesBetween, okBranches, sameSimpleExpression, syncMapCall, syncMapRead, type SyncMapRead, textMaySyncValue } from '../engine/syncmap';
import { enclosingFunction, indentationAt, isAncestor, isFunction, namedChildren, unparen, walk } from '../engine/syntax';
import type { Fix, Rule } from '../ruleapi/rule';

type Taint = 'alias' | 'derived';

export const syncmapLoadModifyStore: Rule = {
  id: 'syncmap-load-modify-store',
  category: 'sync',
  defaultSeverity: 'warning',
  summary: 'A value loaded from a sync.Map is updated and stored back under the same key: concurrent updates are lost.',
  nodeTypes: ['call_expression'],
  tokens: ['Store('],
  // Only a sync.Map can be the receiver: the file or another of its package names the type.
  mayFire: (text, path, packages) => textMaySyncValue(packages, path, text, 'Map'),
  // The visited call is the Load the finding starts from.
  nodeTokens: ['Load'],
  visit(call, context) {
    const { file } = context;
    const read = syncMapRead(file, call);
    if (!read || read.method !== 'Load' || !read.value || read.args.length !== 1) return;
    const fn = enclosingFunction(call);
    const body = fn?.childForFieldName('body');
    const valueDeclaration = file.resolution.resolve(read.value);
    if (!fn || !body || !valueDeclaration) return;
    const missing = okBranches(file, read)?.missing ?? [];
    const taints = new Map<number, Taint>([[valueDeclaration.node.id, 'alias']]);
    const classify = (expression: Node): Taint | null => classifyExpression(file, expression, taints);
    let reported = false;
    walk(body, (n) => {
      if (reported) return false;
      if (n.endIndex <= call.startIndex || isFunction(n)) return false;
      // Ancestors of the Load (its own statement included): look inside only.
      if (n.startIndex < call.endIndex) return true;
      switch (n.type) {
        case 'short_var_declaration':
        case 'assignment_statement': {
          const left = namedChildren(n.childForFieldName('left')!);
          const right = namedChildren(n.childForFieldName('right')!);
          const operator = n.childForFieldName('operator')?.text ?? ':=';
          left.forEach((target, i) => {
            const value = right.length === left.length ? right[i] : right[0];
            let taint = value ? classify(value) : null;
            if (operator !== '=' && operator !== ':=' && (taint || classify(target))) taint = 'derived';
            // A new value on one path only does not clear what the other paths carry.
            if (taint || n.parent?.id === read.statement.parent?.id) mark(file, taints, target, taint);
          });
          break;
        }
        case 'inc_statement':
        case 'dec_statement': {
          const target = n.namedChild(0);
          if (target && classify(target)) mark(file, taints, target, 'derived');
          break;
        }
        case 'call_expression': {
          const store = syncMapCall(file, n);
          if (store?.method !== 'Store' || store.args.length !== 2) break;
          if (missing.some((region) => isAncestor(region, n))) break;
          if (classify(store.args[1]) !== 'derived') break;
          if (!sameSimpleExpression(file, read.map, store.map, fn, call.endIndex, n.startIndex)) break;
          if (!sameSimpleExpression(file, read.args[0], store.args[0], fn, call.endIndex, n.startIndex)) break;
          if (locksBefore(fn, n.startIndex) || writesBetween(file, fn, read.map, read.args[0], call.endIndex, n.startIndex)) break;
          const map = compactText(read.map);
          const fixes: Fix[] = [];
          const fix = file.goVersion && !goVersionAtLeast(file.goVersion, 1, 20) ? null : compareAndSwapFix(file, read, n, store.args[1]);
          if (fix) fixes.push(fix);
          context.report({
            start: n.startIndex,
            end: n.endIndex,
            message: `${map}.Store writes a value computed from an earlier ${map}.Load of ${compactText(read.args[0])}: two goroutines can load the same old value and the second Store overwrites the first one's update`,
            fixes,
          });
          reported = true;
          return false;
        }
      }
      return true;
    });
  },
};

function mark(file: GoFile, taints: Map<number, Taint>, target: Node, taint: Taint | null): void {
  const t = unparen(target);
  if (t.type !== 'identifier') return;
  const declaration = file.resolution.resolve(t);
  if (!declaration) return;
  if (taint) taints.set(declaration.node.id, taint);
  else taints.delete(declaration.node.id);
}

/** 'alias' for the loaded value itself (or `v.(T)` of it), 'derived' for anything computed from it, null when it is not involved. */
function classifyExpression(file: GoFile, expression: Node, taints: Map<number, Taint>): Taint | null {
  const e = unparen(expression);
  const taintOf = (id: Node): Taint | null => {
    const declaration = file.resolution.resolve(id);
    return declaration ? taints.get(declaration.node.id) ?? null : null;
  };
  if (e.type === 'identifier') return taintOf(e);
  if (e.type === 'type_assertion_expression') {
    const operand = unparen(e.childForFieldName('operand')!);
    if (operand.type === 'identifier') return taintOf(operand);
  }
  let found = false;
  walk(e, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === 'identifier' && taintOf(n)) found = true;
    if (n.type === 'selector_expression') {
      walk(n.childForFieldName('operand')!, (m) => {
        if (m.type === 'identifier' && taintOf(m)) found = true;
        return !found;
      });
      return false;
    }
    return !found;
  });
  return found ? 'derived' : null;
}

const COMPARABLE_BASIC = /^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune|string|bool)$/;
const PURE_CALLS = new Set(['append', 'len', 'cap']);

/**
 * From the Load to the Store, straight-line statements in one block become a
 * CompareAndSwap retry loop. Offered when the loaded value's first use is a
 * single-value assertion to a comparable type (so a missing key panics as
 * before instead of spinning, and CompareAndSwap can compare it), and no name
 * declared inside is used after the Store. Preferred when the moved code
 * makes no calls (it may run more than once).
 */
function compareAndSwapFix(file: GoFile, read: SyncMapRead, store: Node, newValue: Node): Fix | null {
  const first = read.statement;
  const storeStatement = store.parent;
  if (first.type !== 'short_var_declaration' || storeStatement?.type !== 'expression_statement' || first.parent?.type !== 'statement_list' || storeStatement.parent?.id !== first.parent.id) return null;
  const statements: Node[] = [];
  for (let s: Node | null = first; s; s = s.nextNamedSibling) {
    if (s.type === 'comment') return null;
    statements.push(s);
    if (s.id === storeStatement.id) break;
  }
  if (statements[statements.length - 1]?.id !== storeStatement.id) return null;
  const middle = statements.slice(1, -1);
  if (middle.some((s) => !['short_var_declaration', 'assignment_statement', 'inc_statement', 'dec_statement'].includes(s.type))) return null;
  // The first use of the loaded value: a single-value assertion to a comparable type.
  const valueDeclaration = file.resolution.resolve(read.value!);
  const uses = valueDeclaration ? file.resolution.referencesTo(valueDeclaration) : [];
  const firstUse = uses[0];
  const assertion = firstUse?.parent;
  if (!firstUse || assertion?.type !== 'type_assertion_expression' || firstUse.startIndex > store.endIndex) return null;
  const type = assertion.childForFieldName('type');
  if (!type || !(type.type === 'pointer_type' || (type.type === 'type_identifier' && COMPARABLE_BASIC.test(type.text)))) return null;
  if (assertion.parent?.type === 'expression_list' && assertion.parent.parent?.type === 'short_var_declaration' && namedChildren(assertion.parent.parent.childForFieldName('left')!).length === 2) return null;
  // Names declared in the moved statements must not be used after them.
  const declared = [first, ...middle].filter((s) => s.type === 'short_var_declaration').flatMap((s) => namedChildren(s.childForFieldName('left')!));
  for (const name of declared) {
    const d = file.resolution.isDeclaration(name) ? file.resolution.resolve(name) : undefined;
    if (d && file.resolution.referencesTo(d).some((r) => r.startIndex > storeStatement.endIndex)) return null;
  }
  let pure = true;
  for (const s of middle.concat(storeStatement)) {
    walk(s, (n) => {
      if (n.type === 'call_expression' && n.id !== store.id) {
        const f = n.childForFieldName('function');
        if (!(f?.type === 'identifier' && PURE_CALLS.has(f.text) && !file.resolution.resolve(f))) pure = false;
      }
      return pure;
    });
  }
  const text = file.text;
  const indentation = indentationAt(text, first.startIndex);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const inner = `${indentation}\t`;
  const reindent = (s: Node) => text.slice(s.startIndex, s.endIndex).split(/\r?\n/).join(`${newline}\t`);
  const map = read.map.text;
  const lines = [
    'for {',
    ...[first, ...middle].map((s) => `${inner}${reindent(s)}`),
    `${inner}if ${map}.CompareAndSwap(${read.args[0].text}, ${read.value!.text}, ${newValue.text}) {`,
    `${inner}\tbreak`,
    `${inner}}`,
    `${indentation}}`,
  ];
  return {
    title: `Retry with ${compactText(read.map)}.CompareAndSwap until no other update came in between`,
    edits: [{ start: first.startIndex, end: storeStatement.endIndex, newText: lines.join(newline) }],
    preferred: pure,
  };
}
