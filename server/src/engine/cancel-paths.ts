// Where a cancel (or any) variable defined by a statement can be lost: the
// exits reached without a use of it, and the statements that overwrite it
// before any use. Any reference counts as a use, as in go vet's lostcancel:
// a call, a defer, a return, an argument, a store, a closure that captures it;
// the caller may leave out some (a goroutine's call after someone else's signal).
import type { Node } from 'web-tree-sitter';
import type { CfgNode, ControlFlowGraph } from './cfg';
import type { GoFile } from './file';
import type { Declaration } from './scope';
import { enclosingFunction, isAncestor, isFunction, namedChildren, unparen, walk } from './syntax';
import { lowerBound } from './sorted';

export interface UnusedPaths {
  /** `return` statements, or the body itself when falling off its end, reached without a use. */
  exits: Node[];
  /** Statements that assign the variable again (or run the defining statement again) before a use. */
  overwrites: Node[];
}

/**
 * Follows every path from `definition` (the statement that assigns
 * `variable`) and collects where the value is lost unused. `isNamedResult`
 * makes a naked `return` a use. `extraUses` are other nodes that count as
 * a use (a receive from the derived context's Done channel: the context has
 * ended, so there is nothing left to release); `notUses` are references
 * that do not, by node id (the call in a goroutine that waits for someone else first).
 */
export function unusedPaths(file: GoFile, graph: ControlFlowGraph, definition: Node, variable: Declaration, isNamedResult: boolean, extraUses: readonly Node[] = [], notUses: ReadonlySet<number> = NONE): UnusedPaths {
  const result: UnusedPaths = { exits: [], overwrites: [] };
  const start = graph.nodeOf(definition);
  if (!start) return result;
  const uses = usesOf(file, variable, extraUses, notUses);
  /** The uses inside `syntax`, not counting those inside the definition (found by binary search: linear overall). */
  const inside = (syntax: Node): Node[] => {
    const from = lowerBound(uses.starts, syntax.startIndex);
    const found: Node[] = [];
    for (let i = from; i < uses.nodes.length && uses.starts[i] < syntax.endIndex; i++) {
      const r = uses.nodes[i];
      if (r.endIndex <= syntax.endIndex && !isAncestor(definition, r)) found.push(r);
    }
    return found;
  };
  const seen = new Set<number>();
  const stack = [...start.succs];
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    if (node === start) {
      result.overwrites.push(definition);
      continue;
    }
    if (node.kind === 'end') {
      result.exits.push(node.syntax!);
      continue;
    }
    const syntax = node.syntax;
    if (syntax) {
      const used = inside(syntax);
      if (used.length > 0) {
        if (used.every((r) => isAssignedOnly(r, syntax))) result.overwrites.push(syntax);
        continue;
      }
      if (syntax.type === 'return_statement') {
        if (!(isNamedResult && syntax.namedChildCount === 0)) result.exits.push(syntax);
        continue;
      }
    }
    pushSuccessors(stack, node);
  }
  const order = (a: Node, b: Node) => a.startIndex - b.startIndex;
  result.exits.sort(order);
  result.overwrites.sort(order);
  return result;
}

interface SortedUses {
  starts: number[];
  nodes: Node[];
}

/** Per version of a file: the references of each variable (and the extra uses asked with it), sorted by offset. */
const sortedUses = new WeakMap<GoFile, Map<string, SortedUses>>();

const NONE: ReadonlySet<number> = new Set();

function usesOf(file: GoFile, variable: Declaration, extraUses: readonly Node[], notUses: ReadonlySet<number>): SortedUses {
  let byKey = sortedUses.get(file);
  if (!byKey) sortedUses.set(file, (byKey = new Map()));
  const key = `${variable.node.id}:${extraUses.map((n) => n.id).join(',')}:${[...notUses].join(',')}`;
  let uses = byKey.get(key);
  if (!uses) {
    const references = file.resolution.referencesTo(variable).filter((r) => !isDiscarded(r) && !notUses.has(r.id));
    const nodes = [...references, ...extraUses].sort((a, b) => a.startIndex - b.startIndex);
    byKey.set(key, (uses = { starts: nodes.map((n) => n.startIndex), nodes }));
  }
  return uses;
}

function pushSuccessors(stack: CfgNode[], node: CfgNode): void {
  for (let i = node.succs.length - 1; i >= 0; i--) stack.push(node.succs[i]);
}


/** `_ = cancel`: assigned to the blank identifier, which silences go vet but calls nothing. */
export function isDiscarded(identifier: Node): boolean {
  const list = identifier.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'assignment_statement' || statement.childForFieldName('right')?.id !== list.id) return false;
  const left = statement.childForFieldName('left');
  return !!left && left.namedChildCount === list.namedChildCount && left.namedChildren.every((n) => n?.text === '_');
}

/** True when `identifier` is a plain target of the assignment `statement` (`x = ...`, `a, x = ...`). */
function isAssignedOnly(identifier: Node, statement: Node): boolean {
  const list = identifier.parent;
  return (
    statement.type === 'assignment_statement' &&
    list?.parent?.id === statement.id &&
    statement.childForFieldName('left')?.id === list.id &&
    statement.children.some((c) => c?.type === '=')
  );
}

/**
 * The receives from the Done channel of the context bound with the cancel
 * (`<-sctx.Done()`, `case <-sctx.Done():`): once one has completed, the
 * context has ended and its cancel function has nothing left to release.
 */
export function doneReceives(file: GoFile, contextTarget: Node): Node[] {
  if (contextTarget.type !== 'identifier' || contextTarget.text === '_') return [];
  const declaration = file.resolution.resolve(contextTarget);
  if (!declaration) return [];
  let byDeclaration = doneReceivesByFile.get(file);
  if (!byDeclaration) doneReceivesByFile.set(file, (byDeclaration = new Map()));
  let found = byDeclaration.get(declaration.node.id);
  if (!found) byDeclaration.set(declaration.node.id, (found = receivesFromDone(file, declaration)));
  return found;
}

/** Per version of a file: doneReceives by the declaration of the context variable (redeclared `ctx, cancel :=` share one). */
const doneReceivesByFile = new WeakMap<GoFile, Map<number, Node[]>>();

function receivesFromDone(file: GoFile, declaration: Declaration): Node[] {
  return file.resolution.referencesTo(declaration).filter((reference) => {
    const selector = reference.parent;
    const call = selector?.parent;
    const receive = call?.parent;
    return selector?.type === 'selector_expression' && selector.childForFieldName('field')?.text === 'Done' && call?.type === 'call_expression' && receive?.type === 'unary_expression' && receive.child(0)?.type === '<-';
  });
}

/**
 * True when the assignment `statement` runs only while the variable named
 * `name` is nil: after `if name != nil { continue }` (or return/break) in the
 * same block, or inside `if name == nil { ... }`. A state machine that makes
 * a new context only after the previous one was cancelled and cleared.
 */
export function runsOnlyWhenNil(statement: Node, names: readonly string[]): boolean {
  const test = (condition: Node | null, operator: '==' | '!='): boolean => {
    const text = condition?.text.replace(/\s+/g, '') ?? '';
    return names.some((name) => text === `${name}${operator}nil` || text === `nil${operator}${name}`);
  };
  for (let s = statement.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type !== 'if_statement' || s.childForFieldName('alternative') || !test(s.childForFieldName('condition'), '!=')) continue;
    const block = s.childForFieldName('consequence');
    const last = block?.namedChildren.find((c) => c?.type === 'statement_list')?.lastNamedChild;
    if (last && ['continue_statement', 'return_statement', 'break_statement'].includes(last.type)) return true;
  }
  for (let n = statement.parent; n && n.type !== 'func_literal' && n.type !== 'function_declaration' && n.type !== 'method_declaration'; n = n.parent) {
    if (n.type === 'if_statement' && test(n.childForFieldName('condition'), '==')) return true;
  }
  return false;
}

/**
 * True when `statement` runs only when the context named `context` has no
 * deadline: inside `if _, ok := context.Deadline(); !ok { ... }` (or `!ok`
 * where `_, ok := context.Deadline()` came earlier in the function). After
 * a context made with a deadline, that branch is not taken.
 */
export function runsOnlyWithoutDeadline(file: GoFile, statement: Node, context: string): boolean {
  for (let n = statement.parent; n && !isFunction(n); n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition');
    const negated = condition?.type === 'unary_expression' && condition.childForFieldName('operator')?.type === '!' ? unparen(condition.childForFieldName('operand')!) : null;
    if (negated?.type !== 'identifier') continue;
    const declaration = file.resolution.resolve(negated);
    const list = declaration?.node.parent;
    const holder = list?.parent;
    if (list?.type !== 'expression_list' || (holder?.type !== 'short_var_declaration' && holder?.type !== 'assignment_statement')) continue;
    const right = holder.childForFieldName('right');
    const call = right?.namedChildCount === 1 ? unparen(right.namedChild(0)!) : null;
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    if (callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Deadline' && callee.childForFieldName('operand')?.text === context && namedChildren(list).findIndex((c) => c.id === declaration!.node.id) === 1) return true;
  }
  return false;
}

/**
 * True when the statement after `statement` in its block is `defer v(...)`,
 * `v` being `variable`: every path from `statement` runs the call, so
 * unusedPaths would find none (decided without the control-flow graph).
 */
export function deferredRightAfter(file: GoFile, statement: Node, variable: Declaration): boolean {
  if (statement.parent?.type !== 'statement_list') return false;
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  const call = next?.type === 'defer_statement' ? next.namedChildren.find((c) => c?.type === 'call_expression') : undefined;
  const callee = call?.childForFieldName('function');
  return callee?.type === 'identifier' && file.resolution.resolve(callee) === variable;
}

export interface CancelWatcher {
  /** The `go func() { ... }()` statement. */
  goStatement: Node;
  /** The receive or select the goroutine waits in before it calls cancel. */
  wait: Node;
  /** Whether the wait has a case for the derived context's own Done channel (so the goroutine ends once cancel is called). */
  watchesOwnDone: boolean;
  /** Whether that is all it waits for (only the parent or a deadline ends it). */
  waitsOnlyForOwnDone: boolean;
}

/**
 * The goroutines of `fn` that call `cancel` only after waiting for a signal
 * that `fn` itself never gives: `go func() { <-stop; cancel() }()` or
 * `go func() { select { case <-p.closed: case <-ctx.Done(): }; cancel() }()`,
 * whose channels are a parameter's, a field's, a package variable's, another
 * context's Done, or the derived context's own Done (which only cancel or the
 * parent closes). Such a call does not release the context when `fn`
 * returns: it waits for someone else. Keyed by the references of `cancel`
 * inside them (node ids).
 */
export function cancelWatchers(file: GoFile, fn: Node, variable: Declaration, contextTarget: Node): Map<number, CancelWatcher> {
  const found = new Map<number, CancelWatcher>();
  const goroutines = goLiteralsOf(file, fn);
  if (goroutines.length === 0) return found;
  const own = contextTarget.type === 'identifier' ? (file.resolution.resolve(contextTarget) ?? null) : null;
  for (const [goStatement, literal] of goroutines) {
    walk(literal, (n) => {
      if (n.type === 'func_literal' && n.id !== literal.id) return false;
      const callee = n.type === 'call_expression' ? n.childForFieldName('function') : null;
      if (callee?.type !== 'identifier' || callee.text !== variable.name || n.parent?.type !== 'expression_statement') return true;
      if (file.resolution.resolve(callee) !== variable) return true;
      const wait = waitBefore(n.parent, literal);
      const channels = wait ? waitedChannels(wait) : [];
      if (wait && channels.length > 0 && channels.every((c) => isOwnDone(file, c, own) || isOutsideSignal(file, c, fn, goStatement))) {
        found.set(callee.id, { goStatement, wait, watchesOwnDone: channels.some((c) => isOwnDone(file, c, own)), waitsOnlyForOwnDone: channels.every((c) => isOwnDone(file, c, own)) });
      }
      return true;
    });
  }
  return found;
}

/** Per version of a file: the `go func() {...}()` statements of each function (by node id), with their literals. */
const goLiteralsByFile = new WeakMap<GoFile, Map<number, [Node, Node][]>>();

function goLiteralsOf(file: GoFile, fn: Node): [Node, Node][] {
  let byFunction = goLiteralsByFile.get(file);
  if (!byFunction) goLiteralsByFile.set(file, (byFunction = new Map()));
  let found = byFunction.get(fn.id);
  if (!found) {
    found = [];
    const body = fn.childForFieldName('body');
    if (body) {
      walk(body, (n) => {
        if (n.type === 'func_literal') return false;
        if (n.type !== 'go_statement') return true;
        const call = n.namedChild(0);
        const literal = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
        if (literal?.type === 'func_literal') found!.push([n, literal]);
        return false;
      });
    }
    byFunction.set(fn.id, found);
  }
  return found;
}

/** The blocking receive (`<-x` alone) or default-less select the goroutine's body runs before `statement`, which follows it or is in one of its cases. */
function waitBefore(statement: Node, literal: Node): Node | null {
  const body = literal.childForFieldName('body');
  const list = body?.namedChildren.find((c) => c?.type === 'statement_list') ?? body;
  if (!list) return null;
  // `case <-x: cancel()` directly in a top-level select of the body.
  const clause = statement.parent?.type === 'statement_list' ? statement.parent.parent : statement.parent;
  const select = clause?.type === 'communication_case' ? clause.parent : null;
  if (select?.type === 'select_statement' && select.parent?.id === list.id) return isBlockingWait(select) ? select : null;
  if (statement.parent?.id !== list.id) return null;
  for (let s = statement.previousNamedSibling; s; s = s.previousNamedSibling) if (isBlockingWait(s)) return s;
  return null;
}

function isBlockingWait(statement: Node): boolean {
  if (statement.type === 'select_statement') return !statement.namedChildren.some((c) => c?.type === 'default_case');
  return statement.type === 'expression_statement' && statement.namedChild(0)?.type === 'unary_expression' && statement.namedChild(0)!.child(0)?.type === '<-';
}

/** The channel expressions a wait receives from (null for a case that sends, which this does not judge). */
function waitedChannels(wait: Node): Node[] {
  const receives: Node[] = [];
  const operand = (e: Node | null | undefined): Node | null => (e?.type === 'unary_expression' && e.child(0)?.type === '<-' ? e.childForFieldName('operand') : null);
  if (wait.type === 'expression_statement') {
    const c = operand(wait.namedChild(0));
    return c ? [c] : [];
  }
  for (const clause of wait.namedChildren) {
    if (clause?.type !== 'communication_case') continue;
    const communication = clause.childForFieldName('communication');
    const expression = communication?.type === 'receive_statement' ? communication.childForFieldName('right') : communication?.type === 'expression_statement' ? communication.namedChild(0) : null;
    const c = operand(expression);
    if (!c) return [];
    receives.push(c);
  }
  return receives;
}

/** `ctx.Done()` of the derived context itself. */
function isOwnDone(file: GoFile, channel: Node, own: Declaration | null): boolean {
  const callee = channel.type === 'call_expression' ? channel.childForFieldName('function') : null;
  const operand = callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Done' ? callee.childForFieldName('operand') : null;
  return !!own && operand?.type === 'identifier' && file.resolution.resolve(operand) === own;
}

/**
 * A channel `fn` does not signal: another context's Done, a parameter's, a
 * field's or a package variable's channel; not a channel or context variable
 * declared in `fn`'s body (which it may close or cancel), nor a channel that
 * `fn` closes or sends on outside the goroutine.
 */
function isOutsideSignal(file: GoFile, channel: Node, fn: Node, goStatement: Node): boolean {
  let root: Node | null = channel;
  while (root && (root.type === 'selector_expression' || root.type === 'call_expression' || root.type === 'parenthesized_expression')) {
    root = root.type === 'selector_expression' ? root.childForFieldName('operand') : root.type === 'call_expression' ? root.childForFieldName('function') : root.namedChild(0);
  }
  if (root?.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(root);
  if (declaration?.kind === 'import') return false;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  // A local channel variable, or the Done of a local context: fn may close or cancel it.
  const direct = channel.id === root.id || (channel.type === 'call_expression' && channel.childForFieldName('function')?.childForFieldName('operand')?.id === root.id);
  if (direct && declaration && isAncestor(body, declaration.node)) return false;
  const text = channel.text;
  let signalled = false;
  walk(body, (n) => {
    if (signalled || n.id === goStatement.id) return false;
    if (n.type === 'send_statement' && n.childForFieldName('channel')?.text === text) signalled = true;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === 'close' && n.childForFieldName('arguments')?.namedChild(0)?.text === text) signalled = true;
    return !signalled;
  });
  return !signalled;
}

/**
 * When `fn` is a package function that returns the owner of the cancel
 * `binding` binds (a constructor): `s.cancel = ...` or `s.ctx, s.cancel =
 * context.WithCancel(p)` on a local `s` it returns, or `cancel` stored in a
 * keyed element of a composite literal it returns (directly, or through a
 * local: `w := &worker{cancel: cancel}; return w`). Null otherwise.
 */
export function returnedCancelOwner(file: GoFile, fn: Node, binding: { target: Node }): { field: string } | null {
  if (fn.type !== 'function_declaration' || !fn.childForFieldName('result')) return null;
  const returned = returnedFirstValues(fn);
  const target = binding.target;
  if (target.type === 'selector_expression') {
    const operand = target.childForFieldName('operand');
    const owner = operand?.type === 'identifier' ? file.resolution.resolve(operand) : undefined;
    const field = target.childForFieldName('field')?.text;
    if (!owner || owner.kind !== 'local' || !field) return null;
    return returned.some((v) => v.type === 'identifier' && file.resolution.resolve(v)?.node.id === owner.node.id) ? { field } : null;
  }
  if (target.type !== 'identifier') return null;
  const variable = file.resolution.resolve(target);
  if (!variable) return null;
  for (const use of file.resolution.referencesTo(variable)) {
    const element = use.parent?.type === 'literal_element' ? use.parent.parent : null;
    if (element?.type !== 'keyed_element' || element.childForFieldName('value')?.id !== use.parent!.id) continue;
    const literal = element.parent?.type === 'literal_value' ? element.parent.parent : null;
    const key = element.childForFieldName('key')?.namedChild(0)?.text;
    if (literal?.type !== 'composite_literal' || !key) continue;
    let value: Node = literal;
    if (value.parent?.type === 'unary_expression' && value.parent.child(0)?.text === '&') value = value.parent;
    if (returned.some((v) => v.id === value.id)) return { field: key };
    // `w := &T{cancel: cancel}` ... `return w`
    const list = value.parent;
    const statement = list?.parent;
    if (list?.type !== 'expression_list' || statement?.type !== 'short_var_declaration' || list.namedChildCount !== 1) continue;
    const name = statement.childForFieldName('left')?.namedChild(0);
    const local = name ? file.resolution.resolve(name) : undefined;
    if (local && returned.some((v) => v.type === 'identifier' && file.resolution.resolve(v)?.node.id === local.node.id)) return { field: key };
  }
  return null;
}

/** The first value of each return statement of `fn` itself (not of function literals inside it). */
function returnedFirstValues(fn: Node): Node[] {
  const values: Node[] = [];
  for (const ret of fn.descendantsOfType('return_statement')) {
    if (!ret || enclosingFunction(ret)?.id !== fn.id) continue;
    const list = ret.namedChild(0);
    const first = list?.type === 'expression_list' ? list.namedChild(0) : list;
    if (first) values.push(unparen(first));
  }
  return values;
}

/** A call of a package function in this file whose result is kept in a local: `w := f(...)` or `w, err := f(...)`. */
export interface OwnerCall {
  call: Node;
  statement: Node;
  owner: Declaration;
  /** `if err != nil { ... }` right after, for `w, err := f(...)`: on its paths the constructor failed and `w` holds nothing. */
  errorCheck: Node | null;
}

/** Every call in this file of the package function `fn` whose first result a local keeps (`w := f(x)`, `w, err := f(x)`). */
export function ownerCalls(file: GoFile, fn: Node): OwnerCall[] {
  const name = fn.childForFieldName('name');
  if (!name) return [];
  file.dependsOn(name.text);
  const calls: OwnerCall[] = [];
  const text = file.text;
  for (let i = text.indexOf(name.text); i !== -1; i = text.indexOf(name.text, i + 1)) {
    const node = file.root.namedDescendantForIndex(i, i + name.text.length);
    const call = node?.type === 'identifier' && node.startIndex === i ? node.parent : null;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== node!.id) continue;
    if (file.resolution.resolve(node!)?.node.id !== name.id) continue;
    const right = call.parent;
    const statement = right?.parent;
    if (right?.type !== 'expression_list' || right.namedChildCount !== 1 || statement?.type !== 'short_var_declaration') continue;
    const left = namedChildren(statement.childForFieldName('left')!);
    const owner = left[0]?.text !== '_' && left[0] ? file.resolution.resolve(left[0]) : undefined;
    if (!owner || owner.kind !== 'local') continue;
    calls.push({ call, statement, owner, errorCheck: left.length > 1 ? errorCheckAfter(statement, left[left.length - 1].text) : null });
  }
  return calls;
}

function errorCheckAfter(statement: Node, errorName: string): Node | null {
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  const condition = next?.type === 'if_statement' ? next.childForFieldName('condition')?.text.replace(/\s+/g, '') : undefined;
  return condition === `${errorName}!=nil` ? next!.childForFieldName('consequence') : null;
}
