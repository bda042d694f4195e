// Facts about the context package: which calls create a context with a
// cancel (or stop) function, and where that function is bound.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { enclosingFunction, isAncestor, namedChildren } from './syntax';

const CANCEL_CONSTRUCTORS = new Set([
  'WithCancel',
  'WithCancelCause',
  'WithTimeout',
  'WithTimeoutCause',
  'WithDeadline',
  'WithDeadlineCause',
]);

const CANCEL_CONSTRUCTOR_NAME = /^(WithCancel|WithCancelCause|WithTimeout|WithTimeoutCause|WithDeadline|WithDeadlineCause|NotifyContext)$/;

/** `f` for `f(...)` and `pkg.f(...)`. */
function calleeNameOf(call: Node): string {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'selector_expression') return callee.childForFieldName('field')?.text ?? '';
  return callee?.type === 'identifier' ? callee.text : '';
}

export interface CancelConstructor {
  /** As written for users: `context.WithTimeout`, `signal.NotifyContext`. */
  displayName: string;
  /** The conventional name of the function it returns: `cancel` or `stop`. */
  conventionalName: 'cancel' | 'stop';
  /** What stays alive when the function is never called. */
  leak: string;
  /** The arguments a call of the function takes: `nil` for WithCancelCause's CancelCauseFunc. */
  callArguments: string;
  /** The context ends by itself at a deadline (WithTimeout, WithDeadline and their Cause variants). */
  timed: boolean;
}

/** When `call` is a context constructor that returns a cancel function, describes it. */
export function cancelConstructor(file: GoFile, call: Node): CancelConstructor | null {
  const callee = call.childForFieldName('function');
  if (!callee) return null;
  const contextName = file.packageMember(callee, 'context');
  if (contextName && CANCEL_CONSTRUCTORS.has(contextName)) {
    const timed = /Timeout|Deadline/.test(contextName);
    return {
      displayName: `context.${contextName}`,
      conventionalName: 'cancel',
      callArguments: contextName === 'WithCancelCause' ? 'nil' : '',
      timed,
      leak: timed ? 'the context and its timer stay alive until the deadline or the parent is cancelled' : 'the context stays alive until the parent is cancelled',
    };
  }
  if (file.packageMember(callee, 'os/signal') === 'NotifyContext') {
    return { displayName: 'signal.NotifyContext', conventionalName: 'stop', callArguments: '', timed: false, leak: 'the signal handler stays registered and the context is never released' };
  }
  return null;
}

export interface CancelBinding {
  call: Node;
  constructor: CancelConstructor;
  /** The statement that binds the results: short_var_declaration, assignment_statement or var_spec. */
  statement: Node;
  /** The second left-hand operand, which receives the cancel function. */
  target: Node;
  /** The first left-hand operand, which receives the context. */
  contextTarget: Node;
  /** True for `:=` and `var`, false for `=`. */
  defines: boolean;
}

/** How the cancel function of a context constructor call is bound, when it is (`ctx, cancel := call`). */
export function cancelBinding(file: GoFile, call: Node): CancelBinding | null {
  // The callee's name first: it is a child of the call, where reaching a node's parent costs the depth of the tree
  // (tree-sitter walks down from the root), which is quadratic over a deeply nested file.
  if (!CANCEL_CONSTRUCTOR_NAME.test(calleeNameOf(call))) return null;
  const right = call.parent;
  if (right?.type !== 'expression_list' || namedChildren(right).length !== 1) return null;
  const statement = right.parent;
  if (!statement) return null;
  let targets: Node[];
  if (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') {
    if (statement.childForFieldName('right')?.id !== right.id) return null;
    targets = namedChildren(statement.childForFieldName('left')!);
  } else if (statement.type === 'var_spec') {
    targets = statement.childrenForFieldName('name').filter((n): n is Node => !!n);
  } else {
    return null;
  }
  if (targets.length !== 2) return null;
  const constructor = cancelConstructor(file, call);
  if (!constructor) return null;
  if (statement.type === 'assignment_statement' && !statement.children.some((c) => c?.type === '=')) return null;
  return {
    call,
    constructor,
    statement: statement.type === 'var_spec' ? enclosingVarDeclaration(statement) : statement,
    target: targets[1],
    contextTarget: targets[0],
    defines: statement.type !== 'assignment_statement',
  };
}

function enclosingVarDeclaration(spec: Node): Node {
  let n = spec;
  while (n.parent && n.type !== 'var_declaration') n = n.parent;
  return n;
}

/**
 * True when the derived context outlives the function, so cancelling it on
 * return would be wrong: it is returned, handed to a goroutine, or stored in
 * a field, a composite literal or another variable. References inside the
 * go statements `except` (goroutines that only wait to cancel it) do not count.
 */
export function contextEscapes(file: GoFile, binding: CancelBinding, except: readonly Node[] = []): boolean {
  if (binding.contextTarget.type !== 'identifier') return true;
  if (binding.contextTarget.text === '_') return false;
  const declaration = file.resolution.resolve(binding.contextTarget);
  if (!declaration) return true;
  const owner = enclosingFunction(declaration.node);
  if (owner && isNamedResult(declaration.node, owner)) return true;
  return file.resolution.referencesTo(declaration).some((reference) => {
    if (except.some((g) => isAncestor(g, reference))) return false;
    if (isStoredValue(reference)) return true;
    for (let n = reference.parent; n && n.id !== owner?.id; n = n.parent) if (n.type === 'go_statement') return true;
    return false;
  });
}

/** `return x`, `y = x`, `T{f: x}`, `[]T{x}`: the value itself flows somewhere that outlives the statement. */
function isStoredValue(reference: Node): boolean {
  const parent = reference.parent;
  if (!parent) return false;
  if (parent.type === 'literal_element') return parent.parent?.childForFieldName('value')?.id === parent.id || parent.parent?.type === 'literal_value';
  if (parent.type !== 'expression_list') return false;
  const statement = parent.parent;
  if (statement?.type === 'return_statement') return true;
  if (statement?.type !== 'assignment_statement' && statement?.type !== 'short_var_declaration') return false;
  const targets = statement.childForFieldName('left')?.namedChildren ?? [];
  return statement.childForFieldName('right')?.id === parent.id && targets.some((t) => t?.text !== '_');
}

/** True when `identifier` declares a named result of `fn` (a naked return hands it on). */
export function isNamedResult(identifier: Node, fn: Node): boolean {
  const results = fn.childForFieldName('result');
  return !!results && results.type === 'parameter_list' && isAncestor(results, identifier);
}

export interface ContextInScope {
  /** The expression that yields the context: `ctx`, or `r.Context()` for an *http.Request. */
  expression: string;
  /** The parameter that provides it. */
  parameter: Node;
  kind: 'context' | 'request';
  /**
   * For a request: true when the function also has an http.ResponseWriter,
   * so the request is one the server is handling (its context ends when the
   * client goes away); false for a request the code is sending or handling
   * on the client side (a RoundTripper, a request builder).
   */
  served?: boolean;
}

/**
 * The context a statement at `at` can use: a `context.Context` parameter of
 * the innermost enclosing function that has one (function literals see their
 * enclosing functions' parameters), else an `*http.Request` parameter.
 * Parameters named `_` or shadowed at `at` do not count.
 */
export function contextInScope(file: GoFile, at: Node): ContextInScope | null {
  let request: ContextInScope | null = null;
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
    const parameters = fn.childForFieldName('parameters');
    for (const declaration of parameters ? namedChildren(parameters) : []) {
      const type = declaration.childForFieldName('type');
      if (!type) continue;
      const isContext = file.isPackageType(type, 'context', 'Context');
      const isRequest = type.type === 'pointer_type' && !!type.namedChild(0) && file.isPackageType(type.namedChild(0)!, 'net/http', 'Request');
      if (!isContext && !isRequest) continue;
      for (const name of declaration.childrenForFieldName('name')) {
        if (!name || name.text === '_' || !isVisibleAt(file, name, at)) continue;
        if (isContext) return { expression: name.text, parameter: name, kind: 'context' };
        request ??= { expression: `${name.text}.Context()`, parameter: name, kind: 'request', served: hasResponseWriter(file, parameters!) };
      }
    }
  }
  return request;
}

function hasResponseWriter(file: GoFile, parameters: Node): boolean {
  return namedChildren(parameters).some((declaration) => {
    const type = declaration.childForFieldName('type');
    return !!type && file.isPackageType(type, 'net/http', 'ResponseWriter');
  });
}

/** True when the name declared by `declaring` is not shadowed at `at`. */
function isVisibleAt(file: GoFile, declaring: Node, at: Node): boolean {
  return file.resolution.lookupAt(at, declaring.text)?.node.id === declaring.id;
}

/**
 * True when every reference of the derived context (outside the go
 * statements `except`) is an argument of a call whose results are dropped,
 * returned, or kept in local names that no goroutine or function literal
 * reads: the calls are done with the context when the function returns.
 * (`pull, err := client.Stream(ctx)` read by a goroutine later, or
 * `opts[i] = opt(ctx)`, keep it working after the call.)
 */
export function contextUsedOnlyByCalls(file: GoFile, binding: CancelBinding, except: readonly Node[]): boolean {
  if (binding.contextTarget.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(binding.contextTarget);
  const owner = declaration ? enclosingFunction(declaration.node) : null;
  if (!declaration || !owner) return false;
  return file.resolution.referencesTo(declaration).every((reference) => {
    // The parent handed to the constructor itself (`ctx, cancel := context.WithCancel(ctx)`), and the waiting goroutines.
    if (isAncestor(binding.statement, reference) || except.some((g) => isAncestor(g, reference))) return true;
    // Reading the context itself (`<-ctx.Done()`, `return ctx.Err()`) hands nothing on.
    if (isContextRead(reference)) return true;
    const call = reference.parent?.type === 'argument_list' ? reference.parent.parent : null;
    if (call?.type !== 'call_expression' || enclosingFunction(call)?.id !== owner.id) return false;
    let use: Node = call;
    while (use.parent?.type === 'parenthesized_expression') use = use.parent;
    const parent = use.parent;
    if (parent?.type === 'expression_statement') return true;
    const list = parent?.type === 'expression_list' ? parent : null;
    const statement = list?.parent;
    if (statement?.type === 'return_statement') return true;
    if ((statement?.type !== 'short_var_declaration' && statement?.type !== 'assignment_statement') || statement.childForFieldName('right')?.id !== list!.id) return false;
    return (statement.childForFieldName('left')?.namedChildren ?? []).every((target) => {
      if (target?.type !== 'identifier') return false;
      if (target.text === '_') return true;
      const result = file.resolution.resolve(target);
      return !!result && file.resolution.referencesTo(result).every((r) => !insideClosureOrGoroutine(r, owner));
    });
  });
}

/** `ctx.Done()`, `ctx.Err()`, `ctx.Deadline()`, `ctx.Value(k)`: a call of a Context method on the reference. */
function isContextRead(reference: Node): boolean {
  const selector = reference.parent;
  if (selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== reference.id) return false;
  const call = selector.parent;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.id === selector.id && CONTEXT_READS.has(selector.childForFieldName('field')?.text ?? '');
}

const CONTEXT_READS = new Set(['Done', 'Err', 'Deadline', 'Value']);

function insideClosureOrGoroutine(node: Node, fn: Node): boolean {
  for (let n = node.parent; n && n.id !== fn.id; n = n.parent) if (n.type === 'func_literal' || n.type === 'go_statement') return true;
  return false;
}
