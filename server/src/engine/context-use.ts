// How code uses contexts, as far as syntax shows it: which calls create an
// empty context (context.Background, context.TODO), which calls take a
// context as their first argument, what a function of the package does with
// the context it is given (read from the package model's function
// summaries), built-in key types of context.WithValue,
// and the comments and code shapes that say "this work is detached on purpose".
import type { Node } from 'web-tree-sitter';
import { contextInScope, type ContextInScope } from './context';
import type { GoFile } from './file';
import { isNamedType, packageTypeOfName } from './declared-types';
import { ignoresContextParameter, packageFunction, packageMethod, packageMethodsNamed, type FunctionSummary } from './summaries';
import { enclosingFunction, namedChildren, topLevelFunction, unparen } from './syntax';

const PANICS = 'gets a nil context and panics as soon as it calls a method of it (Done, Err, Value)';

/**
 * What passing nil as the first argument of a package function or method
 * does, from its summary: it panics when its body uses the context without
 * comparing it with nil. One that copes with nil does not panic today; the
 * context package still says never to pass nil, even where a function
 * permits it (staticcheck's SA1012 agrees), and a real fix in tailscale did
 * just that. Null when its first parameter is not a context.Context, when
 * it never uses it (`grab(context.Context)`: nil cannot matter, and such
 * findings were judged false), and in tests when it checks for nil (the
 * test exercises that check).
 */
function nilContextFailure(summary: FunctionSummary, inTest: boolean): string | null {
  const first = summary.parameters[0];
  if (!first || !isNamedType(first.type, 'context', 'Context', false) || !first.used) return null;
  if (!first.nilChecked) return PANICS;
  return inTest ? null : 'copes with a nil context today, but the context package says never to pass nil, even where a function permits it';
}

/** `Background` or `TODO` when `call` is context.Background() or context.TODO() (aliases and dot imports respected). */
export function emptyContextCall(file: GoFile, call: Node): 'Background' | 'TODO' | null {
  if (call.type !== 'call_expression') return null;
  const callee = call.childForFieldName('function');
  const member = callee ? file.packageMember(callee, 'context') : null;
  if (member !== 'Background' && member !== 'TODO') return null;
  const args = call.childForFieldName('arguments');
  return args && namedChildren(args).length === 0 ? member : null;
}

export interface ContextParameterCall {
  /** The callee as written, for messages: `context.WithTimeout`, `db.QueryContext`, `fetch`. */
  displayName: string;
  /** What a nil context does there. */
  failure: string;
  /** True when the callee is known to declare a context.Context first parameter (not only guessed from its name). */
  certain: boolean;
}

/** Package functions outside the context package that take a context first. */
const CONTEXT_FIRST_PACKAGE_FUNCTIONS: ReadonlyArray<[path: string, name: string, failure: string]> = [
  ['net/http', 'NewRequestWithContext', 'returns the error "net/http: nil Context" instead of a request'],
  ['os/exec', 'CommandContext', 'panics with "nil Context"'],
  ['os/signal', 'NotifyContext', 'panics: it derives a context from a nil parent'],
];

/** Method names that end in Context but whose first parameter is conventionally not a context. */
const NOT_CONTEXT_FIRST_METHOD = /^(Set|New|Create|Make|Get|Is|Has|Load|Store|Init|Free|Release|Destroy|Delete|Current|Push|Pop)/;

/**
 * When the first argument of `call` is expected to be a context: any
 * function of the context package, http.NewRequestWithContext,
 * exec.CommandContext, signal.NotifyContext, a method whose name ends in
 * `Context` (QueryContext, ExecContext, DialContext...), or a function of
 * the same package whose first parameter is a context.Context.
 */
export function contextParameterCall(file: GoFile, call: Node): ContextParameterCall | null {
  const callee = call.childForFieldName('function');
  if (!callee) return null;
  const contextMember = file.packageMember(callee, 'context');
  if (contextMember) return { displayName: `context.${contextMember}`, failure: 'panics: a context cannot be derived from a nil parent', certain: true };
  for (const [path, name, failure] of CONTEXT_FIRST_PACKAGE_FUNCTIONS) {
    if (file.packageMember(callee, path) === name) return { displayName: callee.text, failure, certain: true };
  }
  if (callee.type === 'selector_expression') {
    const operand = callee.childForFieldName('operand');
    const field = callee.childForFieldName('field')?.text ?? '';
    // A package-qualified call of some other package: its first parameter is unknown.
    if (operand?.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import') return null;
    if (operand?.type === 'identifier' && !file.resolution.resolve(operand) && file.imports.byName.has(operand.text)) return null;
    // Tests pass nil to the package's own methods on purpose, to a path that returns before the context is used, or
    // to mocks that never look at it (275 such calls in one corpus repository, 7 more in two others with the
    // receiver's type known, none a bug): those are not judged there.
    const packageMethods = !file.isTestFile;
    // The receiver's type is known (a receiver, parameter or local declared or made as a package type) and declares the method: it decides.
    const receiverType = packageMethods && operand?.type === 'identifier' ? packageTypeOfName(file, operand) : undefined;
    const method = receiverType ? packageMethod(file, receiverType, field) : null;
    const failure = method ? nilContextFailure(method, file.isTestFile) : null;
    if (method) return failure ? { displayName: callee.text, failure, certain: true } : null;
    if (field.length > 'Context'.length && field.endsWith('Context') && /^[A-Z]/.test(field) && !NOT_CONTEXT_FIRST_METHOD.test(field)) {
      return { displayName: callee.text, failure: 'panics as soon as it calls a method of the context (Done, Err, Value)', certain: false };
    }
    // Every method of that name in the package takes a context first and uses it (the receiver's type is not known: not certain).
    const methods = packageMethods ? packageMethodsNamed(file, field) : [];
    const failures = methods.map((m) => nilContextFailure(m, false));
    if (methods.length > 0 && failures.every((f) => f !== null)) {
      return { displayName: callee.text, failure: failures.every((f) => f === PANICS) ? PANICS : 'gets a nil context: the context package says never to pass nil, even where a function permits it', certain: false };
    }
    return null;
  }
  if (callee.type === 'identifier') {
    const declaration = file.resolution.resolve(callee);
    // Declared in this file: it must be a function declaration; a local variable or parameter shadows any package function.
    if (declaration && (declaration.kind !== 'package' || declaration.node.parent?.type !== 'function_declaration')) return null;
    if (!declaration && file.imports.dotImported.size > 0) return null;
    const fn = packageFunction(file, callee.text);
    const failure = fn ? nilContextFailure(fn, file.isTestFile) : null;
    if (failure) return { displayName: callee.text, failure, certain: true };
  }
  return null;
}

// Not `error` (nor any interface): an interface-typed key holds a unique pointer (`errors.New("retry")`) and cannot
// collide with another package's key.
const BUILTIN_TYPES = new Set([
  'string', 'bool', 'byte', 'rune', 'uintptr',
  'int', 'int8', 'int16', 'int32', 'int64',
  'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'float32', 'float64', 'complex64', 'complex128',
]);

const LITERAL_TYPES: Readonly<Record<string, string>> = {
  interpreted_string_literal: 'string',
  raw_string_literal: 'string',
  int_literal: 'int',
  float_literal: 'float64',
  imaginary_literal: 'complex128',
  rune_literal: 'rune',
  true: 'bool',
  false: 'bool',
};

/**
 * The built-in type of an expression used as a context.WithValue key, when
 * syntax shows it: a literal, a conversion to a built-in type (`string("k")`),
 * or a constant or variable of this file declared with such a value and no
 * other type. Null when the type is not known to be built in.
 */
export function builtinKeyType(file: GoFile, key: Node): string | null {
  const expression = unparen(key);
  const literal = LITERAL_TYPES[expression.type];
  if (literal) return literal;
  // struct{}{}: every package's empty struct value is equal to every other's.
  if (expression.type === 'composite_literal') return isEmptyStructType(expression.childForFieldName('type')) ? 'struct{}' : null;
  // interface{}("k"): the key's dynamic type is still string.
  if (expression.type === 'type_conversion_expression') {
    const operand = expression.childForFieldName('operand');
    return isEmptyInterfaceType(file, expression.childForFieldName('type')) && operand ? builtinKeyType(file, operand) : null;
  }
  if (expression.type === 'call_expression') {
    const callee = unparen(expression.childForFieldName('function') ?? expression);
    const args = expression.childForFieldName('arguments');
    if (callee.type !== 'identifier' || file.resolution.resolve(callee) || !args || namedChildren(args).length !== 1) return null;
    if (BUILTIN_TYPES.has(callee.text)) return callee.text;
    return callee.text === 'any' ? builtinKeyType(file, namedChildren(args)[0]) : null;
  }
  if (expression.type === 'identifier') {
    const declaration = file.resolution.resolve(expression);
    if (!declaration || declaration.kind === 'import') return null;
    const spec = declaration.node.parent;
    // A parameter of a built-in type: whatever the callers pass, the key is a string (say) that any package can equal.
    if (spec?.type === 'parameter_declaration') return builtinTypeName(file, spec.childForFieldName('type'));
    if (spec?.type !== 'const_spec' && spec?.type !== 'var_spec') return null;
    const type = spec.childForFieldName('type');
    if (type) return builtinTypeName(file, type);
    const names = spec.childrenForFieldName('name').filter((n): n is Node => n?.type === 'identifier');
    const values = spec.childForFieldName('value');
    const index = names.findIndex((n) => n.id === declaration.node.id);
    const value = values && index >= 0 ? namedChildren(values)[index] : undefined;
    if (!value || (value.type === 'identifier')) return null;
    // Only plain literals: a typed expression (a conversion to a named type, iota arithmetic) is left alone.
    return LITERAL_TYPES[unparen(value).type] ?? null;
  }
  return null;
}

/** The name of a built-in type (not shadowed), or `struct{}` for the empty struct type; null for any other type. */
function builtinTypeName(file: GoFile, type: Node | null): string | null {
  if (!type) return null;
  if (isEmptyStructType(type)) return 'struct{}';
  return type.type === 'type_identifier' && BUILTIN_TYPES.has(type.text) && !file.resolution.lookupAt(type, type.text) ? type.text : null;
}

function isEmptyStructType(type: Node | null): boolean {
  return type?.type === 'struct_type' && namedChildren(type.namedChild(0) ?? type).filter((n) => n.type === 'field_declaration').length === 0;
}

function isEmptyInterfaceType(file: GoFile, type: Node | null): boolean {
  if (type?.type === 'interface_type') return type.namedChildCount === 0;
  return type?.type === 'type_identifier' && type.text === 'any' && !file.resolution.lookupAt(type, 'any');
}

/** True when a `// detached` comment (`// detached: reason`) is on the line of `node`'s start or on the line before. */
export function hasDetachedComment(file: GoFile, node: Node): boolean {
  // Such a comment is a piece of the file's text: without one anywhere, no node has one.
  let mentions = mentionsDetached.get(file);
  if (mentions === undefined) mentionsDetached.set(file, (mentions = DETACHED_ANYWHERE.test(file.text)));
  if (!mentions) return false;
  const row = node.startPosition.row;
  // Down from the root through the nodes that span those two lines only (a stack of its own: nesting can be deep).
  const pending: Node[] = [file.root];
  while (pending.length) {
    const n = pending.pop()!;
    if (n.endPosition.row < row - 1 || n.startPosition.row > row) continue;
    if (n.type === 'comment') {
      if (/^\/\/\s*detached\b/i.test(n.text) && (n.startPosition.row === row || n.startPosition.row === row - 1)) return true;
      continue;
    }
    for (const child of n.children) if (child) pending.push(child);
  }
  return false;
}

/** Per version of a file: whether its text has a `// detached` comment anywhere (a necessary condition for hasDetachedComment). */
const mentionsDetached = new WeakMap<GoFile, boolean>();
const DETACHED_ANYWHERE = /\/\/\s*detached/i;

/** Callee names that mark a detached context on purpose: `context.WithoutCancel(...)`, `detach(...)`, `xcontext.Detached(...)`. */
const DETACHING_CALLEE = /detach|withoutcancel|nocancel|uncancel/i;

/** The last name of a callee: `f` for `f`, `Go` for `g.Go`, `F` for `pkg.F[T]`. */
export function calleeName(call: Node): string {
  let callee = call.childForFieldName('function');
  if (callee?.type === 'generic_type' || callee?.type === 'index_expression') callee = callee.namedChild(0);
  if (!callee) return '';
  if (callee.type === 'selector_expression') return callee.childForFieldName('field')?.text ?? '';
  return callee.type === 'identifier' ? callee.text : '';
}

/** True when `expression` is an argument of a call whose name says it detaches a context (WithoutCancel, detach...). */
export function isDetachingArgument(expression: Node): boolean {
  const list = expression.parent;
  if (list?.type !== 'argument_list') return false;
  const call = list.parent;
  return call?.type === 'call_expression' && DETACHING_CALLEE.test(calleeName(call));
}

/** Callee names of calls that run a function literal argument after the caller has returned or its context is done. */
const RUNS_LATER_CALLEE = /AfterFunc|Cleanup|Shutdown|Finalizer|Close|Stop|Exit|Cancel|Defer|OnDone|Later/i;

export interface ContextUseSite {
  /** The context the code at the site should use. */
  available: ContextInScope;
  /**
   * How the code between the function that provides the context and the
   * site runs: `direct` (the same function, or immediately called function
   * literals), `goroutine` (a `go` statement starts it: it may outlive the
   * provider), `callback` (a function literal handed to a call, which may
   * run it later or concurrently).
   */
  flow: 'direct' | 'goroutine' | 'callback';
}

/**
 * Where a context-taking operation at `at` gets its context from, and how
 * the code runs relative to the function that owns that context. Prefers
 * the innermost function that has a context.Context or *http.Request
 * parameter (so a handler literal inside a function with a ctx parameter
 * uses r.Context()). Null when no context is in scope, or when the site
 * runs in deferred code, a function literal that is stored or returned, or
 * a callback that runs after the owner returns (AfterFunc, Cleanup...):
 * there an empty context is usually what the code means.
 */
export function contextUseSite(file: GoFile, at: Node): ContextUseSite | null {
  const outer = contextInScope(file, at);
  if (!outer) return null;
  const provider = innermostProvider(file, at, outer);
  const owner = enclosingFunction(provider.parameter);
  if (!owner) return null;
  let flow: ContextUseSite['flow'] = 'direct';
  for (let n: Node | null = at; n && n.id !== owner.id; n = n.parent) {
    if (n.type === 'defer_statement') return null;
    if (n.type === 'go_statement') flow = 'goroutine';
    if (n.type !== 'func_literal') continue;
    const call = n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.id === n.id ? n.parent : null;
    if (call) {
      if (call.parent?.type === 'go_statement') flow = 'goroutine';
      else if (call.parent?.type === 'defer_statement') return null;
      continue;
    }
    const list = n.parent;
    if (list?.type === 'argument_list' && list.parent?.type === 'call_expression') {
      if (RUNS_LATER_CALLEE.test(calleeName(list.parent))) return null;
      if (flow === 'direct') flow = 'callback';
      continue;
    }
    // Stored in a variable or field, returned, put in a literal: when it runs is unknown.
    return null;
  }
  return { available: provider, flow };
}

/** The context of the innermost function that has a context or *http.Request parameter visible at `at`. */
function innermostProvider(file: GoFile, at: Node, outer: ContextInScope): ContextInScope {
  const outerOwner = enclosingFunction(outer.parameter);
  for (let fn = enclosingFunction(at); fn && fn.id !== outerOwner?.id; fn = enclosingFunction(fn)) {
    const parameters = fn.childForFieldName('parameters');
    for (const declaration of parameters ? namedChildren(parameters) : []) {
      const type = declaration.childForFieldName('type');
      if (type?.type !== 'pointer_type' || !type.namedChild(0) || !file.isPackageType(type.namedChild(0)!, 'net/http', 'Request')) continue;
      for (const name of declaration.childrenForFieldName('name')) {
        if (!name || name.text === '_' || file.resolution.lookupAt(at, name.text)?.node.id !== name.id) continue;
        return { expression: `${name.text}.Context()`, parameter: name, kind: 'request' };
      }
    }
  }
  return outer;
}

/**
 * True when `at` is inside `main` (of package main), an `init` function, or
 * a top-level test, benchmark, fuzz or example function of a _test.go file:
 * code that is the root of the program's (or the test's) context tree.
 */
export function isContextRoot(file: GoFile, at: Node): boolean {
  const top = topLevelFunction(at);
  if (top?.type !== 'function_declaration') return false;
  const name = top.childForFieldName('name')?.text ?? '';
  if (name === 'init' || (name === 'main' && file.packageName === 'main')) return true;
  return file.isTestFile && /^(Test|Benchmark|Fuzz|Example)([A-Z_]|$)/.test(name);
}

/** Words of a comment that says the work must not end with the caller's context. */
const DETACHED_INTENT = /\bdetach|\b(must|should) not inherit|\bnot inherit the|\bdo not use the (timeout|deadline)|\bindependent(ly)? of\b|\bnon-?cancell?able|\bbackground context on purpose|\boutlive|\beven if the (client|caller|request|context|parent)|\bregardless of|\bnot (be )?(cancel|tied to|bound to)|\bwithout (the )?cancel|\b(don'?t|do not|must not|should not) (use|inherit|propagate) the (http |parent |caller'?s |incoming |request'?s? )*(request |)context|\b(must|should) not be cancel/i;

/**
 * True when the comment lines right above `statement` (a contiguous block
 * that ends on the line before it) say the work is detached on purpose:
 * "detached", "outlives the request", "even if the client cancels", "do not
 * use the request context"...
 */
export function commentExplainsDetachment(file: GoFile, statement: Node): boolean {
  const lines = file.text.split('\n');
  const parts: string[] = [];
  for (let row = statement.startPosition.row - 1; row >= 0; row--) {
    const line = lines[row].trim();
    if (!line.startsWith('//')) break;
    parts.unshift(line.replace(/^\/\/\s?/, ''));
  }
  return parts.length > 0 && DETACHED_INTENT.test(parts.join(' '));
}

/** Callee names of logger accessors and logging methods that take a context only to read values (trace ids) from it. */
const LOGGER_CALLEE = /^(G|L|Ctx|Logger|Log|LogAttrs|FromContext|FromContextOrDiscard|LoggerFrom\w*|WithContext|(Debug|Info|Warn|Warning|Error|Trace)Context|(Debug|Info|Warn|Error)f?Ctx)$/;
const LOGGER_PACKAGE = /^(log|logs|logger|logging|logr|zerolog|zap|klog|slog|logrus|glog|ctxlog|clog|xlog|lg)$/i;

/**
 * True when the empty context `value` only feeds a logger (`log.G(ctx)`,
 * `logr.FromContextOrDiscard(ctx)`, `slog.InfoContext(ctx, ...)`,
 * `logger.ErrorContext(ctx, ...)`): nothing keeps running on it.
 */
export function isLoggerContext(value: Node): boolean {
  const list = value.parent;
  if (list?.type !== 'argument_list' || namedChildren(list)[0]?.id !== value.id) return false;
  const call = list.parent!;
  const name = calleeName(call);
  if (!LOGGER_CALLEE.test(name)) return false;
  const callee = call.childForFieldName('function');
  const operand = callee?.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  // `log.G(ctx)`, `slog.InfoContext(ctx, ...)`, or a method on something named like a logger (`s.logger.ErrorContext`).
  return !!operand && (LOGGER_PACKAGE.test(operand.text) || /log(ger)?$/i.test(operand.text.split('.').pop() ?? ''));
}

/**
 * Why an empty context used where another context is in scope is a
 * deliberate detach that syntax can see, or null:
 * - its values are copied from the context in scope
 *   (`context.WithValue(context.Background(), k, ctx.Value(k))`),
 * - it is the root of a new context for another identity
 *   (`ctxB, done := newTenantCtx(context.Background(), "b")`),
 * - it is given to an `Acquire` that must not be cancellable (a cancelled
 *   Acquire followed by the unconditional Release panics),
 * - the same callee gets an empty context at two other call sites of the
 *   file and never any other context: the code base's convention for
 *   detached work.
 * `derived` is the outermost expression whose value is the empty context or
 * a context derived from it.
 */
export function deliberateDetach(file: GoFile, empty: Node, derived: Node, scope: ContextInScope): string | null {
  const word = new RegExp(`\\b${scope.parameter.text}\\b`);
  if (derived.id !== empty.id && /\.Value\(/.test(derived.text) && word.test(derived.text)) return 'values-copied';
  const list = derived.parent;
  if (list?.type !== 'argument_list' || namedChildren(list)[0]?.id !== derived.id) return null;
  const call = list.parent!;
  const name = calleeName(call);
  if (name === 'Acquire') return 'uncancellable-acquire';
  const results = call.parent?.type === 'expression_list' ? call.parent.parent : null;
  if ((results?.type === 'short_var_declaration' || results?.type === 'assignment_statement') && results.childForFieldName('right')?.id === call.parent!.id) {
    const first = results.childForFieldName('left')?.namedChild(0);
    if (first?.type === 'identifier' && /ctx|context/i.test(first.text) && first.text !== scope.parameter.text) return 'new-root';
  }
  const callee = call.childForFieldName('function')?.text;
  if (callee && sameCalleeWithEmptyContext(file, callee) >= 3) return 'convention';
  return null;
}

/** How many calls of the file to `callee` (as written) take an empty context as their first argument; 0 when another call of it takes something else first. */
function sameCalleeWithEmptyContext(file: GoFile, callee: string): number {
  file.dependsOn(callee);
  let counts = emptyContextCallees.get(file);
  if (!counts) {
    emptyContextCallees.set(file, (counts = new Map()));
    for (const match of file.text.matchAll(/([\w.]+)\(\s*context\.(Background|TODO)\(\)/g)) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  const count = counts.get(callee) ?? 0;
  if (count === 0) return 0;
  const escaped = callee.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const calls = file.text.match(new RegExp(`(?<!func\\s+(\\([^)]*\\)\\s*)?)(?<![\\w.])${escaped}\\(`, 'g'))?.length ?? 0;
  return calls === count ? count : 0;
}

const emptyContextCallees = new WeakMap<GoFile, Map<string, number>>();

/**
 * True when every function or method of the package named like the callee
 * of `call` declares its context parameter as `_` or leaves it unnamed: the
 * context it is given does not matter.
 */
export function calleeIgnoresContext(file: GoFile, call: Node): boolean {
  const name = calleeName(call);
  // `otherpkg.Flush(...)` is another package's function, whatever this package's Flush does.
  const callee = call.childForFieldName('function');
  const operand = callee?.type === 'selector_expression' ? unparen(callee.childForFieldName('operand')!) : null;
  if (operand?.type === 'identifier' && (file.resolution.resolve(operand)?.kind === 'import' || (!file.resolution.resolve(operand) && file.imports.byName.has(operand.text)))) return false;
  return !!name && ignoresContextParameter(file, name);
}
