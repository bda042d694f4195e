// missing-context-variant: a call of an API that cannot be cancelled
// (http.Get, http.NewRequest, exec.Command, net.Dial, db.Query...) when a
// context-taking twin exists. A warning when a context is in scope (the call
// drops it), a hint otherwise.
import type { Node } from 'web-tree-sitter';
import { contextInScope, type ContextInScope } from '../engine/context';
import type { GoFile } from '../engine/file';
import { SQL_CONTEXT_TWINS, sqlTypeOf } from '../engine/sql';
import { declaredTypeOrValue } from '../engine/declared-types';
import { enclosingFunction, indentationAt, namedChildren, statementsOf, unparen, walk } from '../engine/syntax';
import type { Fix, Rule, TextEdit } from '../ruleapi/rule';

interface Target {
  /** As written for users: `http.Get`, `db.Query`. */
  display: string;
  /** What to use instead, as written for users. */
  twin: string;
  /** What keeps going when the context ends: "the request". */
  work: string;
  /** True for the net/http calls: a request to a server that may never answer. */
  http?: boolean;
  /** A timeout of the call's own that still bounds it: "its timeout argument". */
  ownTimeout?: string;
  /** The edits that call the twin with `context` as its context, or null when there is no safe rewrite. */
  rewrite: ((context: string) => TextEdit[] | null) | null;
}

/** An import path (interpreted or raw string) that is context, golang.org/x/net/context (vendored too) or net/http. */
const IMPORTS_CONTEXT_OR_HTTP = /["`](?:[^"`\n]*\/golang\.org\/x\/net\/|golang\.org\/x\/net\/)?(?:context|net\/http)["`]/;

const HTTP_SHORTCUTS = new Set(['Get', 'Head', 'Post', 'PostForm']);
/** The net.Lookup* functions and the arguments their net.Resolver twins take first (LookupIP needs the network). */
const LOOKUPS: Readonly<Record<string, string>> = {
  LookupHost: '',
  LookupAddr: '',
  LookupCNAME: '',
  LookupMX: '',
  LookupNS: '',
  LookupTXT: '',
  LookupSRV: '',
  LookupPort: '',
  LookupIP: '"ip", ',
};
const SQL_WORK: Readonly<Record<string, string>> = {
  Query: 'the query',
  QueryRow: 'the query',
  Exec: 'the statement',
  Prepare: 'preparing the statement',
  Begin: 'beginning the transaction',
  Ping: 'the ping',
  Stmt: 'preparing the statement on the transaction',
};

export const missingContextVariant: Rule = {
  id: 'missing-context-variant',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'noctx' }],
  summary: 'A call that cannot be cancelled where a context-taking twin exists (http.Get, http.NewRequest, exec.Command, net.Dial, db.Query...).',
  nodeTypes: ['call_expression'],
  // The package calls need their import in the file; a sql receiver may be declared in another file.
  tokens: ['net/http', 'os/exec', '"net"', 'crypto/tls', 'Query', 'Exec', 'Prepare', 'Begin', 'Ping', 'Stmt'],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['Get', 'Head', 'Post', 'NewRequest', 'Command', 'Dial', 'Lookup', 'Query', 'Exec', 'Prepare', 'Begin', 'Ping', 'Stmt'],
  // A finding needs a context in scope: a parameter of type context.Context or *http.Request, so the file imports one of them.
  mayFire: (text) => IMPORTS_CONTEXT_OR_HTTP.test(text),
  visit(call, context) {
    const { file } = context;
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!callee || !args) return;
    const target = targetOf(file, call, callee, args);
    if (!target) return;

    // With no context in scope there is nothing to pass: `context.TODO()` would change nothing, so no finding.
    // Tests and test helpers talk to local test servers and processes that end with the test: nothing to cancel.
    const kind = file.codeKind;
    if (kind === 'test' || kind === 'test-support') return;
    const inScope = contextInScope(file, call);
    if (!inScope || underNilCheck(file, call, inScope)) return;
    // An *http.Request without a ResponseWriter is a request being sent or modified (a RoundTripper, an authorizer
    // hook): its context is whatever its builder gave it, usually Background, so there is nothing to lose.
    if (inScope.kind === 'request' && !inScope.served) return;
    if (target.display === 'http.NewRequest' && !requestReachesServer(file, call, inScope)) return;
    // A process that is started and handed on, not run to completion here, may be meant to outlive the call.
    if (isExecCommand(file, callee) && (!runsHere(file, call) || watchesContext(call, inScope))) return;
    const fixes: Fix[] = [];
    const edits = target.rewrite?.(inScope.expression);
    if (edits) fixes.push({ title: `Use ${target.twin} with ${inScope.expression}`, edits, preferred: true });
    context.report({
      start: callee.startIndex,
      end: callee.endIndex,
      message: `${target.display} does not use ${describe(inScope)}: ${target.work} goes on after it is cancelled${target.ownTimeout ? ` (${target.ownTimeout} still applies)` : ' or times out'}; use ${target.twin}`,
      fixes,
      // A request to a server that may never answer, in library code: the case worth a warning (judged REAL 5 of 5 on
      // the precision corpus). Dials (mostly local, or with their own timeout), commands, SQL calls, and anything in a
      // program or an example were nearly all judged of no value (1 REAL in 13): shown only when the rule is configured.
      severity: target.http && kind === 'library' ? undefined : 'off',
    });
  },
};

function describe(scope: ContextInScope): string {
  if (scope.kind === 'context') return `the context ${scope.expression}`;
  return scope.served ? `the request's context ${scope.expression}` : `the context of ${scope.parameter.text} (${scope.expression})`;
}

function targetOf(file: GoFile, call: Node, callee: Node, args: Node): Target | null {
  const http = file.packageMember(callee, 'net/http');
  if (http && HTTP_SHORTCUTS.has(http)) {
    return { display: `http.${http}`, twin: 'http.NewRequestWithContext and http.DefaultClient.Do', work: 'the request', http: true, rewrite: null };
  }
  if (http === 'NewRequest') {
    return { display: 'http.NewRequest', twin: 'http.NewRequestWithContext', work: 'the request', http: true, rewrite: renamed(file, call, callee, args, 'NewRequestWithContext') };
  }
  if (file.packageMember(callee, 'os/exec') === 'Command') {
    return { display: 'exec.Command', twin: 'exec.CommandContext', work: 'the command', rewrite: renamed(file, call, callee, args, 'CommandContext') };
  }
  const net = file.packageMember(callee, 'net');
  if (net === 'Dial' || net === 'DialTimeout') {
    return { display: `net.${net}`, twin: 'net.Dialer.DialContext', work: 'the dial', ownTimeout: net === 'DialTimeout' ? 'its timeout argument' : undefined, rewrite: dialRewrite(file, call, callee, args, net === 'DialTimeout') };
  }
  if (net && net in LOOKUPS) {
    return { display: `net.${net}`, twin: `net.DefaultResolver.${net}`, work: 'the lookup', rewrite: qualifiedRewrite(file, callee, args, (q) => `${q}DefaultResolver.${net}`, LOOKUPS[net]) };
  }
  const tls = file.packageMember(callee, 'crypto/tls');
  if (tls === 'Dial' || tls === 'DialWithDialer') {
    // tls.Dialer.DialContext returns a net.Conn, not a *tls.Conn: no rewrite, the types differ.
    return { display: `tls.${tls}`, twin: 'tls.Dialer.DialContext', work: 'the dial and handshake', ownTimeout: tls === 'DialWithDialer' ? "the dialer's timeout" : undefined, rewrite: null };
  }
  if (callee.type !== 'selector_expression') return null;
  const method = callee.childForFieldName('field')?.text ?? '';
  const receiver = callee.childForFieldName('operand');
  // http.DefaultClient.Get(url), client.Get(url) on a known *http.Client: the same request as http.Get.
  if (receiver && HTTP_SHORTCUTS.has(method) && isHttpClient(file, receiver)) {
    const shown = receiver.text.length <= 20 && !receiver.text.includes('\n') ? receiver.text : 'client';
    return { display: `${receiver.type === 'selector_expression' ? 'http.DefaultClient' : shown}.${method}`, twin: `http.NewRequestWithContext and ${shown}.Do`, work: 'the request', http: true, rewrite: null };
  }
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

/** `http.DefaultClient`, or a local or parameter declared `*http.Client`/`http.Client` or made with `&http.Client{...}`/`http.Client{...}`. */
function isHttpClient(file: GoFile, receiver: Node): boolean {
  if (receiver.type === 'selector_expression') return file.packageMember(receiver, 'net/http') === 'DefaultClient';
  if (receiver.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(receiver);
  if (!declaration || declaration.kind !== 'local') return false;
  const { type, value } = declaredTypeOrValue(declaration);
  const named = (t: Node | null): boolean => !!t && (t.type === 'pointer_type' ? named(t.namedChild(0)) : file.isPackageType(t, 'net/http', 'Client'));
  if (type) return named(type);
  const made = value && unparen(value);
  const literal = made?.type === 'unary_expression' && made.childForFieldName('operator')?.text === '&' ? made.childForFieldName('operand') : made;
  return literal?.type === 'composite_literal' && named(literal.childForFieldName('type'));
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

/**
 * `pkg.F(args)` → `<twin>(ctx, <extra>args)` where the twin is written with
 * the same package qualifier (`net.`); not for a dot import, whose twin's
 * names could be taken.
 */
function qualifiedRewrite(file: GoFile, callee: Node, args: Node, twin: (qualifier: string) => string, extra: string): (context: string) => TextEdit[] | null {
  return (context) => {
    if (callee.type !== 'selector_expression' || args.children.some((c) => c?.type === '...')) return null;
    const qualifier = `${callee.childForFieldName('operand')!.text}.`;
    const first = firstArgument(file, args, `${context}, ${extra}`.replace(/, $/, ''));
    return [{ start: callee.startIndex, end: callee.endIndex, newText: twin(qualifier) }, first];
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

/** True when the function around `call` waits on `<ctx>.Done()` itself: it stops the process its own way (closing its stdin, a signal). */
function watchesContext(call: Node, scope: ContextInScope): boolean {
  const fn = enclosingFunction(call);
  const done = scope.kind === 'context' ? `${scope.parameter.text}.Done()` : `${scope.expression}.Done()`;
  return !!fn && fn.text.includes(done);
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

const DUMPS = new Set(['DumpRequest', 'DumpRequestOut']);

/**
 * False when the request made by `http.NewRequest(...)` never goes out
 * without a context: it gets one later (`req.WithContext(ctx)`,
 * `req.Clone(ctx)`, or it is passed to a call that also takes the context),
 * or it is never sent at all (only dumped with httputil, written with
 * `req.Write`, compared). True when it is sent, returned or handed on.
 */
function requestReachesServer(file: GoFile, call: Node, scope: ContextInScope): boolean {
  const list = call.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || !statement || statement.childForFieldName('right')?.id !== list.id) return true;
  const target = statement.childForFieldName('left')?.namedChild(0);
  if (target?.type !== 'identifier') return true;
  const declaration = file.resolution.resolve(target);
  if (!declaration) return true;
  let sent = false;
  for (const reference of file.resolution.referencesTo(declaration)) {
    const parent = reference.parent;
    if (parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === reference.id) {
      const method = parent.childForFieldName('field')?.text;
      if ((method === 'WithContext' || method === 'Clone') && parent.parent?.type === 'call_expression') return false;
      continue; // req.Header.Set(...), req.Write(w), req.URL...: not a send
    }
    if (parent?.type === 'argument_list') {
      const outer = parent.parent!;
      const callee = outer.childForFieldName('function');
      if (callee && (DUMPS.has(file.packageMember(callee, 'net/http/httputil') ?? '') || file.packageMember(callee, 'net/http') === 'ReadResponse')) continue;
      if (namedChildren(parent).some((argument) => argument.id !== reference.id && mentionsContext(argument, scope))) return false;
      sent = true;
      continue;
    }
    if (parent?.type === 'binary_expression') continue;
    // `s.req = req` with `s.req.WithContext(ctx)` elsewhere in the file: a request kept as a template.
    const field = storedInField(reference);
    if (field && new RegExp(`\\.${field}\\.(WithContext|Clone)\\(`).test(file.text)) return false;
    sent = true; // returned, stored, assigned: it goes somewhere that may send it
  }
  return sent;
}

/** `f` when `reference` is the value of `x.f = reference`. */
function storedInField(reference: Node): string | null {
  const list = reference.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'assignment_statement' || statement.childForFieldName('right')?.id !== list.id) return null;
  const index = namedChildren(list).findIndex((v) => v.id === reference.id);
  const target = namedChildren(statement.childForFieldName('left')!)[index];
  return target?.type === 'selector_expression' ? (target.childForFieldName('field')?.text ?? null) : null;
}

/** True when `expression` is the context in scope (`ctx`, `r.Context()`). */
function mentionsContext(expression: Node, scope: ContextInScope): boolean {
  return expression.text === scope.expression || (expression.type === 'identifier' && expression.text === scope.parameter.text);
}
