// waitgroup-add-in-goroutine: `go func() { wg.Add(1); defer wg.Done() ... }()`
// counts the goroutine only once it runs, so a Wait that runs first returns
// without waiting for it.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { nodesWithin, type NodeKind } from '../engine/own-nodes';
import { enclosingFunction, mentionsIdentifier, namedChildren, statementsOf, unparen } from '../engine/syntax';
import { goCall, goroutineFunction, goStatementsRunning, onlyStartedAsGoroutine } from '../engine/goroutines';
import { isWaitGroupExpression, isWaitGroupVariable } from '../engine/waitgroup';
import { insertLineBefore } from '../ruleapi/edits';
import type { Fix, Rule, RuleContext, TextEdit } from '../ruleapi/rule';

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
    if (literal && literal.type !== 'func_literal') return checkNamedGoroutine(goStatement, context);
    if (!literal) return;
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

/**
 * `go s.run()` where run, declared in this file and only ever started as a
 * goroutine here, begins with `s.wg.Add(1)` on a WaitGroup it shares (a
 * field, a parameter, a package variable) and never waits on it: the same
 * race as in a literal. Reported at the Add once, for the first go statement
 * that starts it. No fix: moving the Add to the callers is a change of the
 * function's contract.
 */
function checkNamedGoroutine(goStatement: Node, context: RuleContext): void {
  const { file } = context;
  if (!mayRunAnAddFirst(file, goStatement)) return;
  const fn = goroutineFunction(file, goStatement);
  const body = fn?.childForFieldName('body');
  if (!fn || fn.type === 'func_literal' || !body) return;
  const starts = goStatementsRunning(file, fn);
  // Once, for the first; not when a starter waits for the goroutine to signal that it runs (`go c.start(); <-c.started`).
  if (starts[0]?.id !== goStatement.id || starts.some(awaitsHandshake)) return;
  const first = statementsOf(body)[0];
  const add = first?.type === 'expression_statement' ? unparen(first.namedChild(0) ?? first) : null;
  const callee = add?.type === 'call_expression' ? add.childForFieldName('function') : null;
  const operand = callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Add' ? callee.childForFieldName('operand') : null;
  if (!add || !operand || nodesWithin(file, body, GO_STATEMENTS).length) return;
  // Declared outside the function (a local WaitGroup would be waited on here, or never).
  const root = rootIdentifier(operand);
  const declaration = root ? file.resolution.resolve(root) : undefined;
  if (declaration && declaration.node.startIndex >= body.startIndex && declaration.node.endIndex <= body.endIndex) return;
  const waits = nodesWithin(file, body, WAITGROUP_CALLS).some((c) => c.childForFieldName('function')?.childForFieldName('field')?.text === 'Wait' && c.childForFieldName('function')?.childForFieldName('operand')?.text === operand.text);
  if (waits || !isWaitGroupExpression(file, operand) || !onlyStartedAsGoroutine(file, fn)) return;
  const name = operand.text;
  const fnName = fn.childForFieldName('name')?.text ?? 'it';
  context.report({
    start: add.startIndex,
    end: add.endIndex,
    message: `${name}.Add runs inside ${fnName}, which only ever runs as a goroutine: ${name}.Wait can run before the goroutine starts and return without waiting for it`,
    related: [{ start: goStatement.startIndex, end: goStatement.endIndex, message: `${fnName} is started as a goroutine here; ${name}.Add(...) belongs before this statement` }],
  });
}

/** Cheap, before resolving: a function or method of the file with the callee's name begins with a call of some `.Add(`. */
function mayRunAnAddFirst(file: GoFile, goStatement: Node): boolean {
  const callee = goCall(goStatement)?.childForFieldName('function');
  const target = callee ? unparen(callee) : null;
  const name = target?.type === 'selector_expression' ? target.childForFieldName('field')?.text : target?.type === 'identifier' ? target.text : undefined;
  return (
    !!name &&
    namedChildren(file.root).some((d) => (d.type === 'function_declaration' || d.type === 'method_declaration') && d.childForFieldName('name')?.text === name && ADDS_FIRST.test(d.childForFieldName('body')?.text ?? ''))
  );
}

/** A body whose first statement is a call of some `.Add(`. */
const ADDS_FIRST = /^\{\s*(\/\/[^\n]*\n\s*)*[\w.()[\]]+\.Add\(/;

/** The statement right after the `go` statement is a receive: the starter waits for the goroutine, which may have added by then. */
function awaitsHandshake(goStatement: Node): boolean {
  let next = goStatement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  const expression = next?.type === 'expression_statement' ? unparen(next.namedChild(0) ?? next) : null;
  return expression?.type === 'unary_expression' && expression.childForFieldName('operator')?.type === '<-';
}

function rootIdentifier(expression: Node): Node | null {
  let e = unparen(expression);
  while (e.type === 'selector_expression') e = unparen(e.childForFieldName('operand')!);
  return e.type === 'identifier' ? e : null;
}

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
