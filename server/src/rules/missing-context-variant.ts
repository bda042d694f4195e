// missing-context-variant: a call of an API that cannot be cancelled
// (http.Get, http.NewRequest, exec.Command, net.Dial, db.Query...) when a
// context-taking twin exists. A warning when a context is in scope (the call
// drops it), a hint otherwise.
import type { Node } from 'web-tree-sitter';
import { contextInScope, type ContextInScope } from '../engine/context';
import type { GoFile } from '../engine/file';
import { SQL_CONTEXT_TWINS, sqlTypeOf } from '../engine/sql';
import { enclosingFunction, indentationAt, namedChildren, statementsOf, walk } from '../engine/syntax';
import { packageReference } from '../ruleapi/import-edits';
import type { Fix, Rule, TextEdit } from '../ruleapi/rule';

interface Target {
  /** As written for users: `http.Get`, `db.Query`. */
  display: string;
  /** What to use instead, as written for users. */
  twin: string;
  /** What keeps going when the context ends: "the request". */
  work: string;
  /** The edits that call the twin with `context` as its context, or null when there is no safe rewrite. */
  rewrite: ((context: string) => TextEdit[] | null) | null;
}

const HTTP_SHORTCUTS = new Set(['Get', 'Head', 'Post', 'PostForm']);
const SQL_WORK: Readonly<Record<string, string>> = {
  Query: 'the query',
  QueryRow: 'the query',
  Exec: 'the statement',
  Prepare: 'preparing the statement',
  Begin: 'beginning the transaction',
  Ping: 'the ping',
};

export const missingContextVariant: Rule = {
  id: 'missing-context-variant',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'noctx' }],
  summary: 'A call that cannot be cancelled where a context-taking twin exists (http.Get, http.NewRequest, exec.Command, net.Dial, db.Query...).',
  nodeTypes: ['call_expression'],
  // The package calls need their import in the file; a sql receiver may be declared in another file.
  tokens: ['net/http', 'os/exec', '"net"', 'Query', 'Exec', 'Prepare', 'Begin', 'Ping'],
  visit(call, context) {
    const { file } = context;
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!callee || !args) return;
    const target = targetOf(file, call, callee, args);
    if (!target) return;

    const inScope = contextInScope(file, call);
    if (inScope && underNilCheck(file, call, inScope)) return;
    if (target.display === 'http.NewRequest' && requestGetsContextLater(file, call)) return;
    // Tests have no context to give (before Go 1.24's t.Context): the weaker case is left out there.
    if (!inScope && file.isTestFile) return;
    const fixes: Fix[] = [];
    if (inScope) {
      const edits = target.rewrite?.(inScope.expression);
      if (edits) fixes.push({ title: `Use ${target.twin} with ${inScope.expression}`, edits, preferred: !isExecCommand(file, callee) || runsHere(file, call) });
      context.report({
        start: callee.startIndex,
        end: callee.endIndex,
        message: `${target.display} does not use ${describe(inScope)}: ${target.work} goes on after it is cancelled or times out; use ${target.twin}`,
        fixes,
      });
      return;
    }
    if (target.rewrite) {
      const reference = packageReference(file, call, 'context');
      const edits = reference && target.rewrite(`${reference.qualifier}TODO()`);
      if (reference && edits) fixes.push({ title: `Use ${target.twin} with ${reference.qualifier}TODO()`, edits: [...reference.edits, ...edits] });
    }
    context.report({
      start: callee.startIndex,
      end: callee.endIndex,
      message: `${target.display} cannot be cancelled or given a deadline: ${target.work} runs as long as it takes; ${target.twin} takes a context`,
      fixes,
      severity: 'hint',
    });
  },
};

function describe(scope: ContextInScope): string {
  return scope.kind === 'request' ? `the request's context ${scope.expression}` : `the context ${scope.expression}`;
}

function targetOf(file: GoFile, call: Node, callee: Node, args: Node): Target | null {
  const http = file.packageMember(callee, 'net/http');
  if (http && HTTP_SHORTCUTS.has(http)) {
    return { display: `http.${http}`, twin: 'http.NewRequestWithContext and http.DefaultClient.Do', work: 'the request', rewrite: null };
  }
  if (http === 'NewRequest') {
    return { display: 'http.NewRequest', twin: 'http.NewRequestWithContext', work: 'the request', rewrite: renamed(file, call, callee, args, 'NewRequestWithContext') };
  }
  if (file.packageMember(callee, 'os/exec') === 'Command') {
    return { display: 'exec.Command', twin: 'exec.CommandContext', work: 'the command', rewrite: renamed(file, call, callee, args, 'CommandContext') };
  }
  const net = file.packageMember(callee, 'net');
  if (net === 'Dial' || net === 'DialTimeout') {
    return { display: `net.${net}`, twin: 'net.Dialer.DialContext', work: 'the dial', rewrite: dialRewrite(file, call, callee, args, net === 'DialTimeout') };
  }
  if (callee.type !== 'selector_expression') return null;
  const method = callee.childForFieldName('field')?.text ?? '';
  const receiver = callee.childForFieldName('operand');
  if (!receiver || !(method in SQL_WORK)) return null;
  const type = sqlTypeOf(file, receiver);
  const twin = type ? SQL_CONTEXT_TWINS[type][method] : undefined;
  if (!type || !twin) return null;
  const field = callee.childForFieldName('field')!;
  const shown = receiver.text.length <= 20 && !receiver.text.includes('\n') ? receiver.text : `(*sql.${type})`;
  return {
    display: `${shown}.${method}`,
    twin: `${shown}.${twin}`,
    work: SQL_WORK[method],
    rewrite: (context) => {
      if (method === 'Begin') return namedChildren(args).length === 0 ? [{ start: field.startIndex, end: args.endIndex, newText: `${twin}(${context}, nil)` }] : null;
      return [{ start: field.startIndex, end: field.endIndex, newText: twin }, firstArgument(file, args, context)];
    },
  };
}

/** `pkg.Name(args)` → `pkg.Twin(ctx, args)`; for a dot import, only when the twin's name is free. */
function renamed(file: GoFile, call: Node, callee: Node, args: Node, twin: string): (context: string) => TextEdit[] | null {
  return (context) => {
    const name = callee.type === 'selector_expression' ? callee.childForFieldName('field') : callee;
    if (!name) return null;
    if (callee.type === 'identifier' && file.resolution.lookupAt(call, twin)) return null;
    return [{ start: name.startIndex, end: name.endIndex, newText: twin }, firstArgument(file, args, context)];
  };
}

/** Inserts `context` as the first argument. */
function firstArgument(file: GoFile, args: Node, context: string): TextEdit {
  const first = namedChildren(args)[0];
  if (first && first.startPosition.row > args.startPosition.row) {
    // One argument a line: the context gets a line of its own.
    return { start: first.startIndex, end: first.startIndex, newText: `${context},${file.text.includes('\r\n') ? '\r\n' : '\n'}${indentationAt(file.text, first.startIndex)}` };
  }
  if (first) return { start: first.startIndex, end: first.startIndex, newText: `${context}, ` };
  const open = args.child(0)!;
  return { start: open.endIndex, end: open.endIndex, newText: context };
}

/**
 * `net.Dial(n, a)` → `(&net.Dialer{}).DialContext(ctx, n, a)`;
 * `net.DialTimeout(n, a, t)` → `(&net.Dialer{Timeout: t}).DialContext(ctx, n, a)`,
 * only when moving `t` before `n` and `a` cannot change what they evaluate to.
 */
function dialRewrite(file: GoFile, call: Node, callee: Node, args: Node, timeout: boolean): (context: string) => TextEdit[] | null {
  return (context) => {
    const list = namedChildren(args);
    if (list.length !== (timeout ? 3 : 2) || args.children.some((c) => c?.type === '...')) return null;
    const qualifier = callee.type === 'selector_expression' ? `${callee.childForFieldName('operand')!.text}.` : '';
    if (!qualifier && file.resolution.lookupAt(call, 'Dialer')) return null;
    if (!timeout) {
      return [{ start: callee.startIndex, end: callee.endIndex, newText: `(&${qualifier}Dialer{}).DialContext` }, firstArgument(file, args, context)];
    }
    if (!list.every(hasNoSideEffects)) return null;
    const [network, address, duration] = list;
    return [{ start: callee.startIndex, end: args.endIndex, newText: `(&${qualifier}Dialer{Timeout: ${spaced(duration)}}).DialContext(${context}, ${network.text}, ${address.text})` }];
  };
}

/** `5*time.Second` as gofmt writes it as a field value: `5 * time.Second`. */
function spaced(expression: Node): string {
  const [left, right] = [expression.childForFieldName('left'), expression.childForFieldName('right')];
  const operator = expression.childForFieldName('operator');
  if (expression.type !== 'binary_expression' || !left || !right || !operator || left.type === 'binary_expression' || right.type === 'binary_expression') return expression.text;
  return `${left.text} ${operator.text} ${right.text}`;
}

/** True when evaluating `node` calls nothing and receives nothing (conversions count as calls). */
function hasNoSideEffects(node: Node): boolean {
  let pure = true;
  walk(node, (n) => {
    if (n.type === 'call_expression' || n.type === 'func_literal' || (n.type === 'unary_expression' && n.child(0)?.type === '<-')) pure = false;
    return pure;
  });
  return pure;
}

function isExecCommand(file: GoFile, callee: Node): boolean {
  return file.packageMember(callee, 'os/exec') === 'Command';
}

const RUNS = new Set(['Run', 'Output', 'CombinedOutput', 'Wait']);

/**
 * True when the command of `exec.Command(...)` is run to completion in this
 * function (`exec.Command(...).Run()`, or a local `cmd` that is only used
 * through its fields and methods, one of them Run/Output/CombinedOutput/Wait),
 * so killing it when the context ends cannot cut short a process meant to
 * outlive the function.
 */
function runsHere(file: GoFile, call: Node): boolean {
  const parent = call.parent;
  if (parent?.type === 'selector_expression' && RUNS.has(parent.childForFieldName('field')?.text ?? '')) return parent.parent?.type === 'call_expression';
  const list = parent?.type === 'expression_list' ? parent : null;
  const statement = list?.parent;
  if (statement?.type !== 'short_var_declaration' || statement.childForFieldName('right')?.id !== list!.id || namedChildren(list!).length !== 1) return false;
  const target = namedChildren(statement.childForFieldName('left')!)[0];
  const declaration = target?.type === 'identifier' ? file.resolution.resolve(target) : undefined;
  if (!declaration || declaration.node.id !== target.id) return false;
  const fn = enclosingFunction(call);
  let runs = false;
  for (const reference of file.resolution.referencesTo(declaration)) {
    const selector = reference.parent;
    if (selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== reference.id) return false;
    if (enclosingFunction(reference)?.id !== fn?.id) return false;
    if (RUNS.has(selector.childForFieldName('field')?.text ?? '') && selector.parent?.type === 'call_expression') runs = true;
  }
  return runs;
}

/**
 * True when the call runs only where the context parameter is nil: inside
 * `if ctx == nil { ... }` or the else branch of `if ctx != nil`, the usual
 * fallback for a nil context, which the twin would not accept.
 */
function underNilCheck(file: GoFile, call: Node, scope: ContextInScope): boolean {
  for (let n: Node = call, p = call.parent; p && p.type !== 'function_declaration' && p.type !== 'method_declaration'; n = p, p = p.parent) {
    if (p.type === 'statement_list') {
      // `if ctx != nil { ...; return }` earlier in the same block.
      for (let s = n.previousNamedSibling; s; s = s.previousNamedSibling) {
        if (s.type === 'if_statement' && !s.childForFieldName('alternative') && nilComparison(file, s, scope) === '!=' && endsInReturn(s.childForFieldName('consequence'))) return true;
      }
    }
    if (p.type !== 'if_statement') continue;
    const operator = nilComparison(file, p, scope);
    if (operator === '==' && p.childForFieldName('consequence')?.id === n.id) return true;
    if (operator === '!=' && p.childForFieldName('alternative')?.id === n.id) return true;
  }
  return false;
}

/** `==` or `!=` when the condition of `ifStatement` compares the context parameter with nil. */
function nilComparison(file: GoFile, ifStatement: Node, scope: ContextInScope): string | null {
  const condition = ifStatement.childForFieldName('condition');
  if (condition?.type !== 'binary_expression') return null;
  const [left, right] = [condition.childForFieldName('left'), condition.childForFieldName('right')];
  const operand = left?.type === 'nil' ? right : right?.type === 'nil' ? left : null;
  if (operand?.type !== 'identifier' || file.resolution.resolve(operand)?.node.id !== scope.parameter.id) return null;
  return condition.childForFieldName('operator')?.type ?? null;
}

function endsInReturn(block: Node | null): boolean {
  const statements = block ? statementsOf(block) : [];
  return statements.length > 0 && statements[statements.length - 1].type === 'return_statement';
}

/**
 * `req, err := http.NewRequest(...)` followed by `req.WithContext(ctx)` (or
 * `req.Clone(ctx)`) in the same function: the request does get a context.
 */
function requestGetsContextLater(file: GoFile, call: Node): boolean {
  const list = call.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || !statement || statement.childForFieldName('right')?.id !== list.id) return false;
  const target = statement.childForFieldName('left')?.namedChild(0);
  if (target?.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(target);
  if (!declaration) return false;
  return file.resolution.referencesTo(declaration).some((reference) => {
    const selector = reference.parent;
    const method = selector?.type === 'selector_expression' && selector.childForFieldName('operand')?.id === reference.id ? selector.childForFieldName('field')?.text : undefined;
    return (method === 'WithContext' || method === 'Clone') && selector!.parent?.type === 'call_expression';
  });
}
