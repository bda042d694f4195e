// Channel facts from the syntax: where a local channel variable is made
// (`ch := make(chan T[, n])`), its buffer, every use of the variable
// classified as a send, receive, range, close or anything else (an escape:
// passed, stored, returned, reassigned), and paths through a function's
// control-flow graph that reach its exit without passing given statements.
import type { Node } from 'web-tree-sitter';
import type { CfgNode, ControlFlowGraph } from './cfg';
import type { GoFile } from './file';
import type { Declaration } from './scope';
import { initialValue } from './goroutines';
import { isInfiniteLoop, loopJumps } from './loops';
import { cfgNodeAt, reachableFrom } from './reach';
import { enclosingFunction, isFunction, namedChildren, statementsOf, unparen, walk } from './syntax';

export interface ChannelMake {
  /** The `make(...)` call. */
  call: Node;
  /** The `chan T` type argument. */
  type: Node;
  /** The capacity argument, or null. */
  capacity: Node | null;
  /** No capacity, or a literal 0. */
  unbuffered: boolean;
}

/** When `expression` is `make(chan T)` or `make(chan T, n)` (with the built-in `make`), its parts. */
export function channelMake(file: GoFile, expression: Node): ChannelMake | null {
  const call = unparen(expression);
  if (call.type !== 'call_expression') return null;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier' || callee.text !== 'make' || file.resolution.resolve(callee)) return null;
  const args = namedChildren(call.childForFieldName('arguments') ?? call);
  const type = args[0];
  if (!type || type.type !== 'channel_type' || args.length > 2) return null;
  const capacity = args[1] ?? null;
  return { call, type, capacity, unbuffered: !capacity || capacity.text === '0' };
}

export interface LocalChannel {
  declaration: Declaration;
  make: ChannelMake;
  /** The declaring statement (`ch := make(...)` or `var ch = make(...)`). */
  statement: Node;
  /** The function whose body declares it. */
  function: Node;
}

/**
 * The local channel variable `identifier` refers to, when a statement of a
 * function declares it with its value from `make(chan ...)`:
 * `ch := make(chan T)`, `var ch = make(chan T, n)`.
 */
export function localChannel(file: GoFile, identifier: Node): LocalChannel | null {
  if (identifier.type !== 'identifier') return null;
  const declaration = file.resolution.resolve(identifier);
  if (!declaration || declaration.kind !== 'local') return null;
  const name = declaration.node;
  const list = name.parent;
  let statement: Node | null = null;
  let values: Node[] = [];
  let names: Node[] = [];
  if (list?.type === 'expression_list' && list.parent?.type === 'short_var_declaration' && list.parent.childForFieldName('left')?.id === list.id) {
    statement = list.parent;
    names = namedChildren(list);
    values = namedChildren(statement.childForFieldName('right') ?? statement);
  } else if (list?.type === 'var_spec' && !list.childForFieldName('type')) {
    // `var ch = make(...)`, or one spec of a group `var ( ...; ch = make(...) )`: the declaring statement is the var declaration.
    const group = list.parent?.type === 'var_spec_list' ? list.parent : null;
    const declaration = (group ?? list).parent;
    statement = declaration?.type === 'var_declaration' ? declaration : null;
    names = list.childrenForFieldName('name').filter((n): n is Node => !!n);
    const value = list.childForFieldName('value');
    values = value ? namedChildren(value) : [];
  }
  if (!statement || names.length !== values.length) return null;
  const value = values[names.findIndex((n) => n.id === name.id)];
  const made = value ? channelMake(file, value) : null;
  const fn = enclosingFunction(statement);
  if (!made || !fn) return null;
  return { declaration, make: made, statement, function: fn };
}

export type ChannelUseKind = 'send' | 'receive' | 'range' | 'close' | 'other';

export interface ChannelUse {
  kind: ChannelUseKind;
  /** The identifier that refers to the channel. */
  reference: Node;
  /** The operation: the send_statement, the `<-ch` expression, the range_clause, the close call; the reference itself for `other`. */
  operation: Node;
  /** The innermost function containing the use. */
  function: Node | null;
  /** When the operation is the communication of a select case: that case. */
  selectCase: Node | null;
  /** True when it is the communication of a select that has another case or a default: it does not block on its own. */
  hasAlternative: boolean;
}

/** Every use of the channel variable (not its declaration), classified, in source order. */
export function channelUses(file: GoFile, channel: LocalChannel): ChannelUse[] {
  return file.resolution.referencesTo(channel.declaration).map((reference) => classify(reference));
}

/** Every use of the parameter (or other variable) `name` declares, classified as a channel use, in source order. */
export function parameterUses(file: GoFile, name: Node): ChannelUse[] {
  const declaration = file.resolution.resolve(name);
  return declaration ? file.resolution.referencesTo(declaration).map((reference) => classify(reference)) : [];
}

function classify(reference: Node): ChannelUse {
  const use = (kind: ChannelUseKind, operation: Node): ChannelUse => {
    const { selectCase, hasAlternative } = selectOf(operation);
    return { kind, reference, operation, function: enclosingFunction(reference), selectCase, hasAlternative };
  };
  let n = reference;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (!parent) return use('other', reference);
  if (parent.type === 'send_statement' && parent.childForFieldName('channel')?.id === n.id) return use('send', parent);
  if (parent.type === 'unary_expression' && parent.childForFieldName('operator')?.type === '<-') return use('receive', parent);
  if (parent.type === 'range_clause' && parent.childForFieldName('right')?.id === n.id) return use('range', parent);
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    const callee = call?.childForFieldName('function');
    if (call && callee?.type === 'identifier' && callee.text === 'close' && namedChildren(parent).length === 1) return use('close', call);
    // len(ch) and cap(ch) only read the channel.
    if (call && callee?.type === 'identifier' && (callee.text === 'len' || callee.text === 'cap')) return use('other', call);
  }
  return use('other', reference);
}

/** The select case whose communication is `operation` (a send, or a receive as the whole right side), and whether that select has another case or a default. */
export function selectOf(operation: Node): { selectCase: Node | null; hasAlternative: boolean } {
  let communication: Node | null = operation;
  if (operation.type === 'unary_expression') {
    let n = operation;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    communication = n.parent?.type === 'receive_statement' ? n.parent : n.parent?.type === 'expression_statement' ? n.parent : null;
  }
  const clause = communication?.parent;
  if (!communication || clause?.type !== 'communication_case' || clause.childForFieldName('communication')?.id !== communication.id) {
    return { selectCase: null, hasAlternative: false };
  }
  const select = clause.parent;
  const cases = select ? namedChildren(select).filter((c) => c.type === 'communication_case' || c.type === 'default_case') : [];
  return { selectCase: clause, hasAlternative: cases.length > 1 };
}

/** True when `use` is the `len(ch)`/`cap(ch)` of a channel: a read that neither escapes nor communicates. */
export function isLengthQuery(use: ChannelUse): boolean {
  return use.kind === 'other' && use.operation.type === 'call_expression';
}

/** True when `node` lies inside a `for` loop that is itself inside `within` (function literals stop the search). */
export function isInLoopWithin(node: Node, within: Node): boolean {
  for (let n = node.parent; n && n.id !== within.id; n = n.parent) {
    if (isFunction(n)) return false;
    if (n.type === 'for_statement') return true;
  }
  return false;
}

/**
 * The ways out of the function reachable from after `from` (exclusive)
 * without passing a node that `blocks` accepts and without passing `stop`
 * nodes: the `return` statements reached, and the function's end when
 * control falls off it. Calls that never return lead nowhere (cfg.ts).
 * `visited` sees every node passed on the way (a superset of the paths to
 * the exits).
 */
export function exitsAvoiding(graph: ControlFlowGraph, from: CfgNode, blocks: (node: CfgNode) => boolean, visited?: (node: CfgNode) => void): Node[] {
  const exits: Node[] = [];
  const seen = new Set<number>();
  const stack = [...from.succs];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (n === graph.exit) continue;
    if (n.kind !== 'end' && n !== graph.entry && blocks(n)) continue;
    visited?.(n);
    if (n === graph.end && n.syntax) {
      exits.push(n.syntax);
      continue;
    }
    if (n.syntax?.type === 'return_statement') {
      exits.push(n.syntax);
      continue;
    }
    stack.push(...n.succs);
  }
  return exits.sort((a, b) => a.startIndex - b.startIndex);
}


/** The function literal a `go` statement starts (`go func() { ... }()`), or null for `go f(x)`. */
export function goroutineLiteral(goStatement: Node): Node | null {
  const call = goStatement.namedChildren.find((c) => c?.type === 'call_expression');
  const callee = call?.childForFieldName('function');
  const literal = callee ? unparen(callee) : null;
  return literal?.type === 'func_literal' ? literal : null;
}

/** For messages: the function's name, or `the function` for a literal. */
export function functionDisplayName(fn: Node): string {
  const name = fn.type === 'func_literal' ? null : fn.childForFieldName('name')?.text;
  return name ?? 'the function';
}

/** True for `func main` of package main: when it returns the program ends, so nothing it leaves behind leaks. */
export function isMainMain(file: GoFile, fn: Node): boolean {
  return file.packageName === 'main' && fn.type === 'function_declaration' && fn.childForFieldName('name')?.text === 'main';
}

/** True when the variable's visible declaration gives it a slice, array or map type. */
export function isSliceOrMap(file: GoFile, identifier: Node): boolean {
  const d = file.resolution.resolve(identifier);
  const parent = d?.node.parent;
  if (!parent) return false;
  const collection = (t: Node | null | undefined) => !!t && ['slice_type', 'array_type', 'map_type'].includes(t.type);
  if (parent.type === 'parameter_declaration' || parent.type === 'var_spec') {
    const type = parent.childForFieldName('type');
    if (type) return collection(type);
  }
  if (parent.type === 'expression_list' && parent.parent?.type === 'short_var_declaration') {
    const names = namedChildren(parent);
    const values = namedChildren(parent.parent.childForFieldName('right')!);
    const value = names.length === values.length ? values[names.findIndex((n) => n.id === d!.node.id)] : undefined;
    if (value?.type === 'composite_literal') return collection(value.childForFieldName('type'));
    if (value?.type === 'call_expression' && value.childForFieldName('function')?.text === 'make') {
      return collection(namedChildren(value.childForFieldName('arguments')!)[0]);
    }
  }
  return false;
}

/** True when every `for` loop around `node` inside `within` (function literals stop the search) is an endless `for { }`. */
export function insideEndlessLoop(node: Node, within: Node): boolean {
  let found = false;
  for (let n = node.parent; n && n.id !== within.id; n = n.parent) {
    if (isFunction(n)) break;
    if (n.type !== 'for_statement') continue;
    if (!isInfiniteLoop(n)) return false;
    found = true;
  }
  return found;
}

/** True when no path through `fn` runs two of `statements` (nor one twice): each run executes at most one of them. */
export function atMostOneOnEachPath(file: GoFile, fn: Node, statements: Node[]): boolean {
  const graph = file.cfg(fn);
  if (!graph) return false;
  const nodes = statements.map((s) => cfgNodeAt(graph, s));
  if (nodes.some((n) => !n)) return false;
  const ids = new Set(nodes.map((n) => n!.id));
  return nodes.every((n) => !reachableFrom(n!.succs).some((r) => ids.has(r.id)));
}

/**
 * The first reference to each channel variable that `body` sends on, or
 * receives from or ranges over (`receive`), outside the function literals
 * nested in it: the channels a goroutine can block on.
 */
export function channelsOperatedOn(file: GoFile, body: Node, operation: 'send' | 'receive'): Node[] {
  const channels = new Map<number, Node>();
  walk(body, (n) => {
    if (n.id !== body.id && isFunction(n)) return false;
    let target: Node | null = null;
    if (operation === 'send' && n.type === 'send_statement') target = n.childForFieldName('channel');
    else if (operation === 'receive' && n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '<-') target = n.childForFieldName('operand');
    else if (operation === 'receive' && n.type === 'range_clause') target = n.childForFieldName('right');
    target = target ? unparen(target) : null;
    const declaration = target?.type === 'identifier' ? file.resolution.resolve(target) : undefined;
    if (target && declaration && !channels.has(declaration.node.id)) channels.set(declaration.node.id, target);
    return true;
  });
  return [...channels.values()];
}

const TEST_FAILURE = /^(t|tb|b|f|s|suite)\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)$|^(require|assert|must|is|qt)\.\w+$|^(s|suite)\.(Require|Assert)\(\)\.\w+$/;

/**
 * True when the way out `exit` is only reached after a test failure is
 * recorded on its path: the statement before a `return` in its block, or the
 * last statement of the block that falls off the function, is
 * `t.Errorf(...)`, `t.Fatal(...)`, `require.Fail(...)`, `must.NoError(...)`,
 * `assert.X(...)`. What is left blocked there leaks only in a failing test.
 */
export function isTestFailureExit(exit: Node): boolean {
  const statement = exit.type === 'return_statement' ? exit.previousNamedSibling : exit.type === 'block' ? statementsOf(exit).at(-1) ?? null : null;
  const call = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return !!callee && TEST_FAILURE.test(callee.text.replace(/\s+/g, ''));
}

/**
 * True when the starting function drains the channel until it is closed,
 * tracking it with the comma-ok form (`v, ok := <-ch; if !ok { aDone = true }`)
 * inside a loop: the sender's close ends the wait, and the function leaves
 * only once every drained channel is done.
 */
export function drainedUntilClosed(uses: readonly ChannelUse[], fn: Node): boolean {
  const receives = uses.filter((u) => u.kind === 'receive' && u.function?.id === fn.id);
  return receives.length > 0 && receives.every((u) => {
    let n = u.operation;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const statement = n.parent;
    const left = statement?.type === 'receive_statement' ? statement.childForFieldName('left') : null;
    return !!left && namedChildren(left).length === 2 && isInLoopWithin(u.operation, fn);
  });
}

/**
 * True when `close` runs in the first iteration of a loop that always runs
 * at least once: `for i := range 10 { ...; if i == 0 { close(start) } }`,
 * or `for i := 0; i < 10; i++` with the same test, when nothing before the
 * test can leave that iteration (a `return`, `break`, `continue` or `goto`
 * earlier in the body: `if err := step(i); err != nil { return err }`).
 */
export function closedInFirstIteration(close: Node): boolean {
  for (let n = close.parent; n; n = n.parent) {
    if (isFunction(n)) return false;
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '';
    const counter = /^(\w+)==0$/.exec(condition)?.[1];
    if (!counter) continue;
    for (let loop = n.parent; loop && !isFunction(loop); loop = loop.parent) {
      if (loop.type !== 'for_statement') continue;
      const header = loop.text.slice(0, (loop.childForFieldName('body')?.startIndex ?? loop.endIndex) - loop.startIndex);
      const always =
        new RegExp(`^for\\s+${counter}\\s*:=\\s*range\\s+[1-9]\\d*\\s*$`).test(header.trim()) ||
        new RegExp(`^for\\s+${counter}\\s*:=\\s*0\\s*;\\s*${counter}\\s*<\\s*[1-9]\\d*\\s*;`).test(header.trim());
      const test = n;
      return always && !loopJumps(loop).some((j) => j.node.startIndex < test.startIndex);
    }
  }
  return false;
}

/**
 * The function literal that runs as a worker goroutine: `go func() {...}()`,
 * or handed to a `Go` method (errgroup's `g.Go(func() error {...})`, which
 * starts a goroutine); null when `fn` is anything else.
 */
export function workerLiteral(fn: Node | null): Node | null {
  if (fn?.type !== 'func_literal') return null;
  const parent = fn.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === fn.id && parent.parent?.type === 'go_statement') return fn;
  if (parent?.type !== 'argument_list' || namedChildren(parent).length !== 1) return null;
  const callee = parent.parent?.childForFieldName('function');
  return callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Go' ? fn : null;
}

/** A buffer sized to the input: `make(chan T, len(items))`, or a count set from `len` (`n := len(items)`). */
export function bufferSizedToInput(file: GoFile, make: ChannelMake): boolean {
  const capacity = make.capacity ? unparen(make.capacity) : null;
  if (!capacity) return false;
  if (capacity.text.includes('len(')) return true;
  const declaration = capacity.type === 'identifier' ? file.resolution.resolve(capacity) : null;
  return !!declaration && declaration.kind !== 'import' && !!initialValue(declaration.node)?.text.includes('len(');
}
