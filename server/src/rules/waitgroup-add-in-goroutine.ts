// waitgroup-add-in-goroutine: `go func() { wg.Add(1); defer wg.Done() ... }()`
// counts the goroutine only once it runs, so a Wait that runs first returns
// without waiting for it.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { nodesWithin, type NodeKind } from '../engine/own-nodes';
import { enclosingFunction, mentionsIdentifier, statementsOf, unparen } from '../engine/syntax';
import { isWaitGroupVariable } from '../engine/waitgroup';
import { insertLineBefore } from '../ruleapi/edits';
import type { Fix, Rule, TextEdit } from '../ruleapi/rule';

export const waitgroupAddInGoroutine: Rule = {
  id: 'waitgroup-add-in-goroutine',
  category: 'goroutine',
  defaultSeverity: 'warning',
  peers: [{ linter: 'staticcheck', checks: ['SA2000'] }, { linter: 'govet', checks: ['waitgroup'] }],
  summary: 'sync.WaitGroup.Add is called inside the goroutine that calls Done, so Wait may return before the goroutine starts.',
  nodeTypes: ['go_statement'],
  // The WaitGroup may be declared in another file of the package.
  packageTokens: ['WaitGroup'],
  // The finding is an Add call inside a go statement of this file.
  mayFire: (text) => mentionsIdentifier(text, 'go') && mentionsIdentifier(text, 'Add'),
  visit(goStatement, context) {
    const { file } = context;
    const call = goStatement.namedChildren.find((c) => c?.type === 'call_expression');
    const literal = call ? unparen(call.childForFieldName('function')!) : null;
    if (!literal || literal.type !== 'func_literal') return;
    const body = literal.childForFieldName('body');
    if (!body) return;

    // A goroutine that starts goroutines of its own adds for those, not for itself.
    if (nodesWithin(file, body, GO_STATEMENTS).length) return;
    const adds: { call: Node; operand: Node }[] = [];
    const done = new Set<unknown>();
    const waited = new Set<unknown>();
    for (const call of nodesWithin(file, body, WAITGROUP_CALLS)) {
      const callee = call.childForFieldName('function')!;
      const operand = callee.childForFieldName('operand')!;
      const method = callee.childForFieldName('field')?.text;
      const declaration = file.resolution.resolve(operand);
      if (method === 'Add') {
        // Only the goroutine's own Add, not one in a function literal inside it.
        if (enclosingFunction(call)?.id === literal.id) adds.push({ call, operand });
      } else if (declaration) {
        (method === 'Done' ? done : waited).add(declaration);
      }
    }

    const first = statementsOf(body)[0];
    for (const { call: add, operand } of adds) {
      const declaration = file.resolution.resolve(operand);
      // The goroutine's first statement is an Add whatever calls Done (go vet's waitgroup check): the goroutine counts itself.
      const addsFirst = first?.type === 'expression_statement' && unparen(first.namedChild(0) ?? first).id === add.id;
      if (!declaration || !(done.has(declaration) || addsFirst) || waited.has(declaration)) continue;
      // The WaitGroup must come from outside the goroutine, and be one.
      if (declaration.node.startIndex >= literal.startIndex && declaration.node.endIndex <= literal.endIndex) continue;
      if (!isWaitGroupVariable(file, operand)) continue;
      const name = operand.text;
      context.report({
        start: add.startIndex,
        end: add.endIndex,
        message: `${name}.Add runs inside ${done.has(declaration) ? `the goroutine that calls ${name}.Done` : 'the goroutine it counts'}: ${name}.Wait can run before this goroutine starts and return without waiting for it`,
        fixes: moveAddFix(file, goStatement, literal, body, add),
      });
    }
  },
};

/** Moves `wg.Add(n)` before the `go` statement, when that keeps the count balanced and `n` means the same there. */
function moveAddFix(file: GoFile, goStatement: Node, literal: Node, body: Node, add: Node): Fix[] {
  const text = file.text;
  const statement = add.parent;
  if (statement?.type !== 'expression_statement' || goStatement.parent?.type !== 'statement_list') return [];
  const statements = statementsOf(body);
  const index = statements.findIndex((s) => s.id === statement.id);
  // Only defers before it: the Add ran on every path, so it runs on every path when moved.
  if (index < 0 || !statements.slice(0, index).every((s) => s.type === 'defer_statement')) return [];
  const args = add.childForFieldName('arguments')?.namedChildren ?? [];
  if (!args.every((a) => !!a && evaluableOutside(file, a, literal))) return [];
  const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const lineEnd = text.indexOf('\n', statement.endIndex);
  if (text.slice(lineStart, statement.startIndex).trim() !== '' || lineEnd < 0 || text.slice(statement.endIndex, lineEnd).trim() !== '') return [];
  const edits: TextEdit[] = [insertLineBefore(text, goStatement, add.text), { start: lineStart, end: lineEnd + 1, newText: '' }];
  return [{ title: `Move ${add.text} before the go statement`, edits, preferred: true }];
}

/** Literals, and identifiers not declared inside the goroutine (operators of those). */
const GO_STATEMENTS: NodeKind = { types: new Set(['go_statement']) };
/** `x.Add(...)`, `x.Done()`, `x.Wait()` on a variable. */
const WAITGROUP_CALLS: NodeKind = {
  types: new Set(['call_expression']),
  test: (_, call) => {
    const callee = call.childForFieldName('function');
    return callee?.type === 'selector_expression' && callee.childForFieldName('operand')?.type === 'identifier' && /^(Add|Done|Wait)$/.test(callee.childForFieldName('field')?.text ?? '');
  },
};

function evaluableOutside(file: GoFile, expression: Node, literal: Node): boolean {
  switch (expression.type) {
    case 'int_literal':
      return true;
    case 'identifier': {
      // Not a parameter of the literal (nothing else is declared before its first statement).
      const declaration = file.resolution.resolve(expression);
      return !declaration || declaration.node.startIndex < literal.startIndex || declaration.node.startIndex >= literal.endIndex;
    }
    case 'parenthesized_expression':
    case 'binary_expression':
    case 'unary_expression':
      return expression.namedChildren.every((c) => !!c && evaluableOutside(file, c, literal));
    case 'call_expression': {
      // len(x) of a captured variable
      const callee = expression.childForFieldName('function');
      const args = expression.childForFieldName('arguments')?.namedChildren ?? [];
      return callee?.type === 'identifier' && callee.text === 'len' && args.every((a) => !!a && evaluableOutside(file, a, literal));
    }
    default:
      return false;
  }
}
