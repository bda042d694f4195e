// Goroutine facts from the syntax: which function a `go` statement runs,
// the endless loops a goroutine can never leave, how many times a loop
// runs (a constant or configured count, a fixed collection, or input of
// unknown size), and what bounds the goroutines a loop starts (a semaphore,
// a wait in each iteration).
import type { Node } from 'web-tree-sitter';
import { blockingOperations, isReceive } from './blocking';
import { contextInScope, type ContextInScope } from './context';
import { looksAtContext } from './context-flow';
import { hasDetachedComment } from './context-use';
import { fieldTypeOf, isNamedType, typeOfName } from './declared-types';
import { methodsNamedElsewhere } from './summaries';
import { GoFile } from './file';
import type { FileFactKind } from './package';
import { LineIndex, type Position } from './positions';
import { isInfiniteLoop, loopJumps } from './loops';
import { ownNodes, type NodeKind } from './own-nodes';
import { enclosingFunction, isAncestor, isFunction, namedChildren, statementsOf, topLevelFunction, unparen, walk } from './syntax';

/** The call of a `go` statement. */
export function goCall(goStatement: Node): Node | null {
  const call = goStatement.namedChildren.find((c) => c?.type === 'call_expression');
  return call ?? null;
}

/**
 * The function a `go` statement runs when the file shows it: a function
 * literal (`go func() {...}()`), a function of the file (`go run(x)`), or
 * the only method of the file with that name (`go s.loop()`).
 */
export function goroutineFunction(file: GoFile, goStatement: Node): Node | null {
  let memo = goroutineFunctions.get(file);
  if (!memo) goroutineFunctions.set(file, (memo = new Map()));
  let fn = memo.get(goStatement.id);
  if (fn === undefined) memo.set(goStatement.id, (fn = computeGoroutineFunction(file, goStatement)));
  return fn;
}

/** Per version of a file: goroutineFunction's answer by `go` statement id (several rules ask for the same statements). */
const goroutineFunctions = new WeakMap<GoFile, Map<number, Node | null>>();

/** Per version of a file: its top-level method declarations by name, in source order. */
const methodsByFile = new WeakMap<GoFile, Map<string, Node[]>>();

function methodsNamed(file: GoFile, name: string | undefined): Node[] {
  if (name) file.dependsOn(name);
  let methods = methodsByFile.get(file);
  if (!methods) {
    methods = new Map();
    for (const n of namedChildren(file.root)) {
      if (n.type !== 'method_declaration') continue;
      // The key of a method without a name field is undefined, as `childForFieldName('name')?.text` gives.
      const key = n.childForFieldName('name')?.text as string;
      let list = methods.get(key);
      if (!list) methods.set(key, (list = []));
      list.push(n);
    }
    methodsByFile.set(file, methods);
  }
  return methods.get(name as string) ?? [];
}

function computeGoroutineFunction(file: GoFile, goStatement: Node): Node | null {
  const call = goCall(goStatement);
  const callee = call?.childForFieldName('function');
  if (!callee) return null;
  const target = unparen(callee);
  if (target.type === 'func_literal') return target;
  if (target.type === 'identifier') {
    const declaration = file.resolution.resolve(target);
    // `worker := func(...) {...}` ... `go worker(x)`.
    if (declaration?.kind === 'local') return goroutineClosure(file, goStatement);
    if (declaration?.kind !== 'package') return null;
    const fn = declaration.node.parent;
    return fn?.type === 'function_declaration' ? fn : null;
  }
  if (target.type === 'selector_expression') {
    const operand = target.childForFieldName('operand');
    if (operand?.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import') return null;
    const name = target.childForFieldName('field')?.text;
    const methods = methodsNamed(file, name);
    // Another type of the package (in another file) may declare a method of that name: then which one runs is not known.
    return methods.length === 1 && (!name || methodsNamedElsewhere(file, name) === 0) ? methods[0] : null;
  }
  return null;
}

/**
 * The function literal a `go` statement runs through a local closure (`worker
 * := func(u string) { ... }` then `go worker(u)`), when the closure is
 * declared once, never assigned again, and only ever started by `go`
 * statements (a direct call would run its sends in the function itself);
 * null for every `go` statement but the first that starts it.
 */
export function goroutineClosure(file: GoFile, goStatement: Node): Node | null {
  const callee = goCall(goStatement)?.childForFieldName('function');
  const name = callee ? unparen(callee) : null;
  if (name?.type !== 'identifier') return null;
  const declaration = file.resolution.resolve(name);
  if (!declaration || declaration.kind !== 'local') return null;
  const list = declaration.node.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || list.namedChildCount !== 1 || statement?.type !== 'short_var_declaration') return null;
  const right = statement.childForFieldName('right');
  const literal = right?.namedChildCount === 1 ? unparen(right.namedChild(0)!) : null;
  if (literal?.type !== 'func_literal') return null;
  const started = (r: Node) => {
    let n = r;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    return n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.id === n.id && n.parent.parent?.type === 'go_statement';
  };
  const references = file.resolution.referencesTo(declaration);
  // Judged at the first go statement that starts it: one finding per send however many start it.
  return references.every(started) && references[0]?.id === name.id ? literal : null;
}

/** The last name of a method call's callee (`Add` of `wg.Add(1)`), or '' for other calls. */
function methodName(call: Node): string {
  const callee = call.childForFieldName('function');
  return callee?.type === 'selector_expression' ? (callee.childForFieldName('field')?.text ?? '') : '';
}

const CALL: ReadonlySet<string> = new Set(['call_expression']);
const NEVER_RETURNING_CALLS: NodeKind = { types: CALL, test: (file, n) => file.neverReturns(n) };
const LOOPS: NodeKind = { types: new Set(['for_statement']) };
const ACCEPT_CALLS: NodeKind = { types: CALL, test: (_, n) => /^Accept/.test(methodName(n)) };
const READS: NodeKind = {
  types: new Set(['call_expression', 'unary_expression', 'select_statement']),
  test: (_, n) => (n.type === 'call_expression' ? READ_CALL.test(methodName(n)) : n.type === 'select_statement' || isReceive(n)),
};
const ACQUIRES: NodeKind = {
  types: new Set(['send_statement', 'unary_expression', 'call_expression']),
  test: (_, n) => (n.type === 'call_expression' ? ACQUIRE.test(methodName(n)) : n.type === 'send_statement' || isReceive(n)),
};
const ADD_CALLS: NodeKind = { types: CALL, test: (_, n) => methodName(n) === 'Add' };
const STORES: NodeKind = {
  types: new Set(['assignment_statement']),
  test: (_, n) => namedChildren(n.childForFieldName('left') ?? n).some((t) => t.type === 'selector_expression' || t.type === 'index_expression'),
};
const PIPES: NodeKind = { types: CALL, test: (file, n) => file.packageMember(n.childForFieldName('function')!, 'io') === 'Pipe' };

/**
 * `for range t.C` over a ticker, or `for range time.Tick(d)`: a channel that
 * is never closed. The ticker is a name made by time.NewTicker or declared a
 * `time.Ticker` (a parameter), or a field declared one (`l.ticker.C`).
 */
export function isTickerRange(file: GoFile, loop: Node): boolean {
  const clause = namedChildren(loop).find((c) => c.type === 'range_clause');
  const right = clause?.childForFieldName('right');
  if (!right) return false;
  const e = unparen(right);
  if (e.type === 'call_expression') return file.packageMember(e.childForFieldName('function')!, 'time') === 'Tick';
  if (e.type !== 'selector_expression' || e.childForFieldName('field')?.text !== 'C') return false;
  const operand = unparen(e.childForFieldName('operand')!);
  if (operand.type === 'selector_expression') return isNamedType(fieldTypeOf(file, operand), 'time', 'Ticker');
  if (operand.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(operand);
  if (!declaration || declaration.kind === 'import') return false;
  const value = initialValue(declaration.node);
  const callee = value?.type === 'call_expression' ? value.childForFieldName('function') : null;
  if (callee) return file.packageMember(callee, 'time') === 'NewTicker';
  return isNamedType(typeOfName(file, operand), 'time', 'Ticker');
}

/** The value a declared name starts with (`x := v`, `var x = v`), or null. */
export function initialValue(name: Node): Node | null {
  const parent = name.parent;
  if (parent?.type === 'var_spec') {
    const names = parent.childrenForFieldName('name').filter((n): n is Node => !!n);
    const values = parent.childForFieldName('value')?.namedChildren ?? [];
    return values[names.findIndex((n) => n.id === name.id)] ?? null;
  }
  if (parent?.type === 'expression_list' && parent.parent?.type === 'short_var_declaration' && parent.parent.childForFieldName('left')?.id === parent.id) {
    const index = parent.namedChildren.findIndex((n) => n?.id === name.id);
    const values = parent.parent.childForFieldName('right')?.namedChildren ?? [];
    return values.length === parent.namedChildren.length ? (values[index] ?? null) : null;
  }
  return null;
}

/**
 * True when nothing can end `loop`: an infinite `for` (or a range over a
 * ticker) with no `return`, no `break` or `goto` out of it, no `break` or
 * `continue` of an enclosing statement, and no call that ends the goroutine
 * (panic, runtime.Goexit, os.Exit, log.Fatal, a same-file function that
 * always does).
 */
export function loopNeverEnds(file: GoFile, loop: Node): boolean {
  if (!isInfiniteLoop(loop) && !isTickerRange(file, loop)) return false;
  if (loopJumps(loop).some((j) => j.kind !== 'continue')) return false;
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return ownNodes(file, body, NEVER_RETURNING_CALLS).length === 0;
}

/** The outermost loops of `fn`'s body (not of nested function literals) that never end. */
export function endlessLoops(file: GoFile, fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const found: Node[] = [];
  for (const loop of ownNodes(file, body, LOOPS)) {
    // Loops come in source order: one inside the last found is not outermost.
    const last = found[found.length - 1];
    if ((!last || !isAncestor(last, loop)) && loopNeverEnds(file, loop)) found.push(loop);
  }
  return found;
}

export type LoopBound =
  /** A constant, a configured worker count, runtime.NumCPU()/GOMAXPROCS, a fixed collection. */
  | 'bounded'
  /** A range over a slice, map, string or channel, or an index loop to len(x): as many iterations as the input has. */
  | 'input'
  /** A range over a channel: one iteration per value sent. */
  | 'stream'
  /** An endless loop that accepts connections (`l.Accept()`). */
  | 'accept'
  /** An endless loop, or a `Scan()`/`Next()` loop, that reads one request or message per iteration. */
  | 'reader'
  /** Anything else: not known. */
  | 'unknown';

const CONFIGURED = /worker|concurren|parallel|cpu|procs|goroutine|threads|shards|conns|clients|limit|^max|^num|^n$|^N$/i;
const READ_CALL = /^(Accept\w*|Recv\w*|Receive\w*|Read\w*|Next\w*|Scan)$/;

/** How many times `loop` runs, for a loop that starts goroutines. */
export function loopBound(file: GoFile, loop: Node): LoopBound {
  const header = namedChildren(loop).filter((c) => c.type !== 'block');
  const body = loop.childForFieldName('body');
  if (header.length === 1 && header[0].type === 'range_clause') {
    const right = header[0].childForFieldName('right');
    if (!right) return 'unknown';
    if (fixedCollection(file, right) || isSmallCount(file, right) || isTickerRange(file, loop) || isFieldCollection(right)) return 'bounded';
    return isChannel(file, right) ? 'stream' : 'input';
  }
  if (isInfiniteLoop(loop)) {
    if (!body) return 'unknown';
    if (ownNodes(file, body, ACCEPT_CALLS).length) return 'accept';
    return ownNodes(file, body, READS).length ? 'reader' : 'unknown';
  }
  const condition = header.length === 1 ? (header[0].type === 'for_clause' ? header[0].childForFieldName('condition') : header[0]) : null;
  if (!condition) return 'unknown';
  const c = unparen(condition);
  if (c.type === 'call_expression') {
    const callee = c.childForFieldName('function');
    const name = callee?.type === 'selector_expression' ? callee.childForFieldName('field')?.text ?? '' : '';
    return /^(Scan|Next)$/.test(name) ? 'reader' : 'unknown';
  }
  if (c.type === 'binary_expression' && ['<', '<=', '>', '>=', '!='].includes(c.childForFieldName('operator')?.type ?? '')) {
    const left = c.childForFieldName('left');
    const right = c.childForFieldName('right');
    const limit = ['<', '<=', '!='].includes(c.childForFieldName('operator')?.type ?? '') ? right : left;
    if (!limit) return 'unknown';
    if (isSmallCount(file, limit)) return 'bounded';
    const l = unparen(limit);
    if (l.type === 'call_expression' && l.childForFieldName('function')?.text === 'len') {
      const arg = l.childForFieldName('arguments')?.namedChildren[0];
      return arg && (fixedCollection(file, arg) || isFieldCollection(arg)) ? 'bounded' : 'input';
    }
  }
  return 'unknown';
}

/**
 * A slice or map held in a struct field (`s.peers`, `srv.listeners`,
 * `c.Members`, `srv.onShutdown`): in practice the configuration of a
 * long-lived object (members, listeners, hooks), whose size its owner
 * controls, not input. Channels are not excluded (a range over a channel
 * field is a stream of input).
 */
function isFieldCollection(expression: Node): boolean {
  const e = unparen(expression);
  // Channel fields are named like channels (`reqCh`, `events` is not): those are streams of input.
  return e.type === 'selector_expression' && !/(Ch|Chan|ch|chan)$|^(c|ch)$/.test(e.childForFieldName('field')?.text ?? '');
}

/** A literal, a constant, runtime.NumCPU()/GOMAXPROCS(...), or a name that says it is a configured count (workers, concurrency, maxProcs...). */
export function isSmallCount(file: GoFile, expression: Node): boolean {
  const e = unparen(expression);
  switch (e.type) {
    case 'int_literal':
      return true;
    case 'identifier': {
      const declaration = file.resolution.resolve(e);
      if (declaration?.node.parent?.type === 'const_spec') return true;
      return CONFIGURED.test(e.text);
    }
    case 'selector_expression':
      return CONFIGURED.test(e.childForFieldName('field')?.text ?? '');
    case 'call_expression': {
      const callee = e.childForFieldName('function');
      if (!callee) return false;
      const member = file.packageMember(callee, 'runtime');
      if (member === 'NumCPU' || member === 'GOMAXPROCS') return true;
      // int(x), min(a, b) with a bound in it.
      const args = e.childForFieldName('arguments')?.namedChildren ?? [];
      if (callee.type === 'identifier' && ['int', 'int32', 'int64', 'uint', 'min'].includes(callee.text)) return args.some((a) => !!a && isSmallCount(file, a));
      return CONFIGURED.test(callee.type === 'selector_expression' ? callee.childForFieldName('field')?.text ?? '' : callee.text);
    }
    case 'binary_expression': {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      return !!left && !!right && isSmallCount(file, left) && isSmallCount(file, right);
    }
    default:
      return false;
  }
}

/** A composite literal, an array of constant length, or a variable initialized with one and never reassigned in this file. */
function fixedCollection(file: GoFile, expression: Node): boolean {
  const e = unparen(expression);
  if (e.type === 'composite_literal') return true;
  if (e.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(e);
  if (!declaration || declaration.kind === 'import') return false;
  const parent = declaration.node.parent;
  const type = parent?.type === 'var_spec' || parent?.type === 'parameter_declaration' ? parent.childForFieldName('type') : null;
  if (type?.type === 'array_type') return true;
  const value = initialValue(declaration.node);
  if (!value || unparen(value).type !== 'composite_literal') return false;
  return !file.resolution.referencesTo(declaration).some((r) => isAssigned(r));
}

function isAssigned(reference: Node): boolean {
  const list = reference.parent;
  const statement = list?.parent;
  if (list?.type === 'expression_list' && statement?.type === 'assignment_statement' && statement.childForFieldName('left')?.id === list.id) return true;
  // x = append(x, ...) through a call argument does not count; passing &x might.
  return reference.parent?.type === 'unary_expression' && reference.parent.child(0)?.type === '&';
}

const ACQUIRE = /^(Acquire|TryAcquire|Wait|WaitN|Take|Reserve|Lock)$/;

/**
 * True when `loop`'s iteration that runs `goStatement` bounds or joins the
 * goroutines it starts: a channel send (a semaphore acquire: `sem <-
 * struct{}{}`), a `<-tokens` receive (for input loops), `sem.Acquire`,
 * `limiter.Wait`, `wg.Wait()` in the loop body outside the goroutine; a
 * semaphore acquired first thing inside the goroutine; or a `break` or
 * `return` right after the `go` (it runs once).
 */
export function spawnIsBounded(file: GoFile, loop: Node, goStatement: Node, inputArrivesByReceive: boolean): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return true;
  let bounded = ownNodes(file, body, ACQUIRES).some(
    (n) => !isAncestor(goStatement, n) && (n.type !== 'unary_expression' || !inputArrivesByReceive || n.startIndex > goStatement.endIndex),
  );
  if (bounded) return true;
  // A semaphore taken inside the goroutine: goroutines wait, work is bounded.
  const fn = goroutineFunction(file, goStatement);
  const fnBody = fn?.childForFieldName('body');
  if (fnBody) {
    for (const statement of statementsOf(fnBody).slice(0, 3)) {
      // `<-tokens`, `if !<-w.start`: the goroutine waits for a go-ahead.
      walk(statement, (n) => {
        if (isReceive(n)) bounded = true;
        return !isFunction(n) && n.type !== 'select_statement';
      });
      if (statement.type === 'send_statement') {
        const value = statement.childForFieldName('value');
        if (value && unparen(value).type === 'composite_literal') bounded = true;
      }
      walk(statement, (n) => {
        if (n.type === 'call_expression') {
          const callee = n.childForFieldName('function');
          const name = callee?.type === 'selector_expression' ? callee.childForFieldName('field')?.text ?? '' : '';
          if (/^(Acquire|Wait|WaitN|Take)$/.test(name)) bounded = true;
        }
        return !isFunction(n);
      });
    }
  }
  if (bounded) return true;
  // `go f(); break` / `go f(); return`: at most one goroutine.
  const list = goStatement.parent;
  if (list) {
    const siblings = statementsOf(list);
    const next = siblings[siblings.findIndex((s) => s.id === goStatement.id) + 1];
    if (next && (next.type === 'return_statement' || next.type === 'break_statement' || next.type === 'goto_statement')) return true;
  }
  return false;
}

/**
 * True when the goroutines `loop` starts are counted for a later join: a
 * `wg.Add(...)` in the loop body outside the goroutine, or a `wg.Done()`
 * (not a `<-ctx.Done()` receive) in the goroutine. A fan-out that is joined
 * is sized by its input on purpose.
 */
export function spawnIsJoined(file: GoFile, loop: Node, goStatement: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  let joined = ownNodes(file, body, ADD_CALLS).some((n) => !isAncestor(goStatement, n));
  const fn = goroutineFunction(file, goStatement);
  const fnBody = fn?.childForFieldName('body');
  if (!joined && fnBody) {
    walk(fnBody, (n) => {
      if (n.type === 'call_expression' && methodName(n) === 'Done' && !(n.parent && isReceive(n.parent))) joined = true;
      return !joined;
    });
  }
  return joined;
}

/** True when `expression` is a variable whose visible declaration gives it a channel type or a `make(chan ...)` value. */
export function isChannel(file: GoFile, expression: Node): boolean {
  const e = unparen(expression);
  if (e.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(e);
  if (!declaration || declaration.kind === 'import') return false;
  const parent = declaration.node.parent;
  const type = parent?.type === 'var_spec' || parent?.type === 'parameter_declaration' ? parent.childForFieldName('type') : null;
  if (type) return type.type === 'channel_type';
  const value = initialValue(declaration.node);
  if (value?.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'make') return false;
  return value.childForFieldName('arguments')?.namedChildren[0]?.type === 'channel_type';
}

/** Per version of a file: its `go` statements in source order, and the function each runs as far as asked. */
const goStatementsByFile = new WeakMap<GoFile, Node[]>();

/**
 * The first `go` statement of the file (in source order) whose goroutine
 * function (goroutineFunction) is `fn`, or null. Only the statements up to
 * that one are examined.
 */
export function firstGoStatementRunning(file: GoFile, fn: Node): Node | null {
  return goStatementsOf(file).find((statement) => goroutineFunction(file, statement)?.id === fn.id) ?? null;
}

/** Every `go` statement of the file whose goroutine function is `fn`, in source order. */
export function goStatementsRunning(file: GoFile, fn: Node): Node[] {
  return goStatementsOf(file).filter((statement) => goroutineFunction(file, statement)?.id === fn.id);
}

function goStatementsOf(file: GoFile): Node[] {
  let statements = goStatementsByFile.get(file);
  if (!statements) goStatementsByFile.set(file, (statements = goStatements(file)));
  return statements;
}

/**
 * Every `go` statement of the file, in source order (the order of a walk):
 * a `go` statement starts with its keyword, so each one starts at an
 * occurrence of "go" in the text, where it is the smallest named node
 * around those two characters. Far fewer lookups than nodes in the tree.
 */
function goStatements(file: GoFile): Node[] {
  const out: Node[] = [];
  const root = file.root;
  for (let i = file.text.indexOf('go'); i !== -1; i = file.text.indexOf('go', i + 1)) {
    if (i < root.startIndex || i + 2 > root.endIndex) continue;
    const node = root.namedDescendantForIndex(i, i + 2);
    if (node?.type === 'go_statement' && node.startIndex === i) out.push(node);
  }
  return out;
}

/**
 * True when every mention of the function or method `fn`'s name in the file,
 * outside its own declaration, is the callee of a `go` statement (`go
 * s.run()`): it always runs as a goroutine here. Another file may call it
 * otherwise; that is not seen.
 */
export function onlyStartedAsGoroutine(file: GoFile, fn: Node): boolean {
  const name = fn.childForFieldName('name');
  if (!name) return false;
  file.dependsOn(name.text);
  const text = file.text;
  let started = false;
  for (let i = text.indexOf(name.text); i !== -1; i = text.indexOf(name.text, i + 1)) {
    if (i === name.startIndex) continue;
    const node = file.root.namedDescendantForIndex(i, i + name.text.length);
    if (!node || node.startIndex !== i || node.endIndex !== i + name.text.length || (node.type !== 'identifier' && node.type !== 'field_identifier')) continue;
    // Another declaration's name, a field of some other value (x.run of a struct): only calls count, and only go ones.
    let callee: Node = node;
    if (node.parent?.type === 'selector_expression' && node.parent.childForFieldName('field')?.id === node.id) callee = node.parent;
    const call = callee.parent;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== callee.id) {
      if (node.type === 'identifier' && file.resolution.resolve(node)?.node.id !== name.id) continue;
      return false;
    }
    if (call.parent?.type !== 'go_statement') return false;
    started = true;
  }
  return started;
}

const LONG_LIVED_METHOD = /^(run|loop|serve|watch|listen|start)|Loop$/i;
const RELEASE_METHOD = /^(Close|Stop|Release|Shutdown|Cancel|Unsubscribe)$/;

/**
 * Why the goroutine a loop starts is one long-lived worker per configured
 * entity (a peer, a listener, a subscription), not work per input item:
 * - it runs an endless loop,
 * - it runs a method named like a worker (`run`, `loop`, `serve`, `watch`,
 *   `listen`, `start`, `...Loop`),
 * - the value it runs a method of is stored in a map, slice or field in the
 *   same iteration (`s.workers[id] = w; go w.run()`).
 * Null when none holds.
 */
export function longLivedWorker(file: GoFile, loop: Node, goStatement: Node): 'endless' | 'worker-method' | 'stored-worker' | null {
  const fn = goroutineFunction(file, goStatement);
  if (fn && endlessLoops(file, fn).length > 0) return 'endless';
  const call = goCall(goStatement);
  const callee = call ? unparen(call.childForFieldName('function')!) : null;
  let method: Node | null = null;
  if (callee?.type === 'selector_expression') method = callee;
  else if (callee?.type === 'func_literal') {
    // `go func() { w.run() }()`: a literal whose only statement calls a method.
    const statements = statementsOf(callee.childForFieldName('body')!);
    const only = statements.length === 1 && statements[0].type === 'expression_statement' ? statements[0].namedChild(0) : null;
    const inner = only?.type === 'call_expression' ? only.childForFieldName('function') : null;
    if (inner?.type === 'selector_expression') method = inner;
  }
  if (!method) return null;
  if (LONG_LIVED_METHOD.test(method.childForFieldName('field')?.text ?? '')) return 'worker-method';
  const operand = method.childForFieldName('operand');
  const body = loop.childForFieldName('body');
  if (operand?.type !== 'identifier' || !body) return null;
  const stored = ownNodes(file, body, STORES).some((n) => {
    const right = n.childForFieldName('right');
    if (!right) return false;
    return namedChildren(right).some((v) => v.text === operand.text || (v.type === 'call_expression' && v.childForFieldName('function')?.text === 'append' && namedChildren(v.childForFieldName('arguments')!).slice(1).some((a) => a.text === operand.text)));
  });
  return stored ? 'stored-worker' : null;
}

/**
 * True when the goroutines `loop` starts are joined right after it: one of
 * the next two statements is `wg.Wait()` (or `g.Wait()`), or a loop that
 * receives once per iteration (`for range xs { <-results }`).
 */
export function joinedAfterLoop(loop: Node): boolean {
  const outer = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
  const list = outer.parent;
  if (!list) return false;
  const siblings = statementsOf(list);
  const index = siblings.findIndex((s) => s.id === outer.id);
  for (const next of siblings.slice(index + 1, index + 3)) {
    if (/^(\w+\s*(,\s*\w+)?\s*:?=\s*)?[\w.]+\.Wait\(\)/.test(next.text)) return true;
    if (next.type === 'for_statement') {
      const first = statementsOf(next.childForFieldName('body') ?? next)[0];
      let receives = false;
      if (first) walk(first, (n) => {
        if (isReceive(n)) receives = true;
        return !receives && !isFunction(n);
      });
      if (receives) return true;
    }
  }
  return false;
}

/**
 * True when the goroutine only releases the element it was started for
 * (`go c.Close()`, `go func() { _ = c.Close() }()`): fire and forget, each
 * ends on its own.
 */
export function onlyReleases(goStatement: Node): boolean {
  const call = goCall(goStatement);
  const callee = call ? unparen(call.childForFieldName('function')!) : null;
  const calls: Node[] = [];
  if (callee?.type === 'func_literal') {
    walk(callee.childForFieldName('body')!, (n) => {
      if (n.type === 'call_expression') calls.push(n);
      return !isFunction(n) || n.id === callee.id;
    });
  } else if (call) calls.push(call);
  return calls.length > 0 && calls.every((c) => {
    const f = c.childForFieldName('function');
    return f?.type === 'selector_expression' && RELEASE_METHOD.test(f.childForFieldName('field')?.text ?? '');
  });
}

/**
 * True when the iteration consumes what the goroutine produces before it
 * ends: `pr, pw := io.Pipe()` in the loop body, the goroutine writes to one
 * end and the body reads the other after the `go`.
 */
export function producerConsumedInIteration(file: GoFile, loop: Node, goStatement: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const pipe = ownNodes(file, body, PIPES).find((n) => n.startIndex <= goStatement.startIndex);
  if (!pipe) return false;
  const holder = pipe.parent?.parent;
  const ends = holder?.type === 'short_var_declaration' || holder?.type === 'assignment_statement' ? namedChildren(holder.childForFieldName('left')!) : [];
  const reader = ends[0]?.type === 'identifier' ? ends[0].text : null;
  if (!reader) return false;
  const after = file.text.slice(goStatement.endIndex, body.endIndex);
  return new RegExp(`\\b${reader}\\b`).test(after);
}

/**
 * True when the goroutine may never finish while the spawning loop runs: it
 * runs an endless loop, or it sends on a channel (which the loop, or code
 * after it, may be the one to receive from). A semaphore around such
 * goroutines deadlocks once it is full.
 */
export function semaphoreMayDeadlock(file: GoFile, goStatement: Node): boolean {
  const fn = goroutineFunction(file, goStatement);
  if (!fn) return true;
  if (endlessLoops(file, fn).length > 0) return true;
  let sends = false;
  walk(fn.childForFieldName('body') ?? fn, (n) => {
    if (n.type === 'send_statement') sends = true;
    return !sends;
  });
  return sends;
}

/**
 * True when the code says a goroutine that never ends is meant to live as
 * long as the process: a comment ties it to the process, the function that
 * starts it runs once at init time (called only by a package-level
 * variable's initializer), or it traps OS signals (set up once per daemon).
 */
export function meantForProcessLifetime(file: GoFile, goStatement: Node, fn: Node, loop: Node): boolean {
  return startedForProcessLifetime(file, goStatement) || (fn.type !== 'func_literal' && documentedForProcessLifetime(file, fn)) || trapsSignals(loop);
}

/**
 * What the `go` statement's side says: a comment ties it to the process,
 * only a package variable's initializer starts it, or the function that
 * starts it registers OS signals (`signal.Notify`): a signal handler.
 */
export function startedForProcessLifetime(file: GoFile, goStatement: Node): boolean {
  const starter = topLevelFunction(goStatement);
  if (starter && (documentedForProcessLifetime(file, starter) || SIGNAL_NOTIFY.test(starter.text))) return true;
  return documentedForProcessLifetime(file, goStatement) || startedByPackageInitializer(file, goStatement);
}

const SIGNAL_NOTIFY = /\bsignal\.Notify\(/;

// Words that tie the goroutine to the process, not bare "runs forever" (which is how a bug is described too).
const PROCESS_LIFETIME = /lifetime of the (process|program|server|daemon|binary)|exits? with the (process|program)|until the (process|program) exits|no (stop|close|shutdown) (function|method)? ?is needed|for the life of the (process|program)|(one|once) per process/i;

/** The comment block above `node` (a `go` statement, the function that starts it or that it runs) says it lives as long as the process. */
function documentedForProcessLifetime(file: GoFile, node: Node): boolean {
  const lines = file.text.split('\n');
  const parts: string[] = [];
  for (let row = node.startPosition.row - 1; row >= 0 && lines[row].trim().startsWith('//'); row--) parts.unshift(lines[row].trim().replace(/^\/\/\s?/, ''));
  return PROCESS_LIFETIME.test(parts.join(' '));
}

/**
 * The function that starts the goroutine is only ever called by a
 * package-level variable's initializer (`var limiter = newLimiter()`): it
 * runs once, at init time, like an init function.
 */
function startedByPackageInitializer(file: GoFile, goStatement: Node): boolean {
  const starter = topLevelFunction(goStatement);
  const name = starter?.type === 'function_declaration' ? starter.childForFieldName('name')?.text : undefined;
  if (!name) return false;
  file.dependsOn(name);
  const calls = [...file.text.matchAll(new RegExp(`(?<![\\w.])${name}\\(`, 'g'))].map((m) => m.index!).filter((i) => i < starter!.startIndex || i > starter!.endIndex);
  return calls.length > 0 && calls.every((i) => {
    const node = file.root.descendantForIndex(i, i + 1);
    for (let n: Node | null = node; n; n = n.parent) {
      if (n.type === 'var_declaration' && n.parent?.type === 'source_file') return true;
      if (n.type === 'function_declaration' || n.type === 'method_declaration' || n.type === 'func_literal') return false;
    }
    return false;
  });
}

/** The loop waits on OS signals (`signal.Notify`'s channel, a ranged or received channel the function registered): set up once per daemon. */
function trapsSignals(loop: Node): boolean {
  const fn = enclosingFunction(loop);
  const starter = fn ? topLevelFunction(fn) : null;
  return [fn, starter].some((f) => !!f && SIGNAL_NOTIFY.test(f.text));
}

const STOP_CHANNEL = /(^|\.)(done|quit|stop|stopc|stopCh|donec|doneCh|closing|closed|exit|shutdown)$|Done\(\)$/i;

/** A select case of the loop that receives from a stop signal (`ctx.Done()`, `done`, `quit`...), which evidently does not leave the loop. */
export function ignoredStopSignal(loop: Node): Node | null {
  let found: Node | null = null;
  walk(loop.childForFieldName('body')!, (n) => {
    if (found) return false;
    if (n.type === 'communication_case') {
      const communication = n.childForFieldName('communication');
      const receive = communication && isReceive(unparen(communication)) ? unparen(communication) : communication?.type === 'receive_statement' ? communication.childForFieldName('right') : null;
      const operand = receive && isReceive(unparen(receive)) ? unparen(receive).childForFieldName('operand') : null;
      if (operand && STOP_CHANNEL.test(unparen(operand).text)) found = unparen(receive!);
    }
    return n.type !== 'func_literal';
  });
  return found;
}

/** The loop blocks and never mentions the context in scope nor any value made from it, nor any Done/Err (loop-ignores-context's test). */
export function loopIgnoresContext(file: GoFile, loop: Node, scope: ContextInScope): boolean {
  const body = loop.childForFieldName('body');
  const parameter = file.resolution.resolve(scope.parameter);
  return !!body && !!parameter && blockingOperations(file, body).length > 0 && !looksAtContext(file, body, parameter);
}

/** A place in another file of the package: offsets in that file and their 0-based lines and UTF-16 columns. */
export interface PlaceInFile {
  path: string;
  start: number;
  end: number;
  range: { start: Position; end: Position };
}

/** A function or method of a file whose first outermost endless loop nothing can stop, as another file of the package sees it. */
export interface ForeverFunction {
  name: string;
  method: boolean;
  /** The loop's `for`. */
  loop: PlaceInFile;
  ticker: boolean;
  /** The stop signal the loop receives from and ignores (`<-done`). */
  ignoredStop?: PlaceInFile & { operand: string };
  /** The loop blocks and never looks at the function's context (loop-ignores-context's case). */
  ignoresContext: boolean;
  /** A `// detached` comment on the loop, a doc comment that ties it to the process, or a loop that traps signals. */
  meantToRunForever: boolean;
}

interface ForeverFacts {
  packageName: string;
  functions: ForeverFunction[];
}

/** Per file: its functions and methods that run forever (for `go s.listen()` where listen is in another file). */
const FOREVER_FUNCTIONS: FileFactKind<ForeverFacts> = {
  key: 'goroutines.forever',
  compute(root, path, text, own) {
    const file = own ?? new GoFile(path, text, root.tree);
    const lines = new LineIndex(text);
    const place = (start: number, end: number): PlaceInFile => ({ path, start, end, range: { start: lines.position(start), end: lines.position(end) } });
    const facts: ForeverFacts = { packageName: file.packageName, functions: [] };
    for (const fn of namedChildren(root)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const name = fn.childForFieldName('name')?.text;
      if (!name) continue;
      const loop = endlessLoops(file, fn)[0];
      if (!loop) continue;
      const stop = ignoredStopSignal(loop);
      const scope = contextInScope(file, loop);
      facts.functions.push({
        name,
        method: fn.type === 'method_declaration',
        loop: place(loop.startIndex, loop.startIndex + 3),
        ticker: isTickerRange(file, loop),
        ignoredStop: stop ? { ...place(stop.startIndex, stop.endIndex), operand: unparen(stop.childForFieldName('operand')!).text } : undefined,
        ignoresContext: scope?.kind === 'context' && loopIgnoresContext(file, loop, scope),
        meantToRunForever: hasDetachedComment(file, loop) || documentedForProcessLifetime(file, fn) || trapsSignals(loop),
      });
    }
    return facts;
  },
};

/**
 * The function or method that `go f(...)` or `go x.m(...)` runs when it is
 * declared in another file of the package and runs forever there; null when
 * it is declared in this file, is not known, is ambiguous (several types of
 * the package declare a method of that name), or ends.
 */
export function foreverFunctionElsewhere(file: GoFile, goStatement: Node): ForeverFunction | null {
  const callee = goCall(goStatement)?.childForFieldName('function');
  const target = callee ? unparen(callee) : null;
  let name: string | undefined;
  let method = false;
  if (target?.type === 'identifier') {
    if (file.resolution.resolve(target)) return null; // a local, or a function of this file
    name = target.text;
  } else if (target?.type === 'selector_expression') {
    const operand = target.childForFieldName('operand');
    if (operand?.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import') return null;
    name = target.childForFieldName('field')?.text;
    method = true;
    if (methodsNamed(file, name).length > 0) return null;
  }
  if (!name) return null;
  const siblings = file.siblingFacts(FOREVER_FUNCTIONS).filter((f) => f.packageName === file.packageName);
  if (method && methodsNamedElsewhere(file, name) !== 1) return null;
  const found = siblings.flatMap((f) => f.functions).filter((f) => f.name === name && f.method === method);
  return found.length === 1 ? found[0] : null;
}
