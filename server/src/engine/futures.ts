// Future and generator channels: a function that returns a channel one of
// its goroutines sends on (a single result, or values in a loop), and the
// places of the package that may stop receiving from it: a select with
// another way out (a timeout, ctx.Done(), a default), a range over it that
// can leave early, a call whose result is thrown away. The sender is then
// left blocked.
import type { Node } from 'web-tree-sitter';
import { isReceive } from './blocking';
import { emptyContextCall } from './context-use';
import { packageTypeOfName } from './declared-types';
import { receiverTypeName } from './summaries';
import { GoFile } from './file';
import type { PlaceInFile } from './goroutines';
import type { FileFactKind } from './package';
import { earlyExit } from './loops';
import { LineIndex } from './positions';
import { isAncestor, namedChildren, unparen } from './syntax';

/** A place that may stop waiting for a call's channel result. */
export interface AbandoningWait {
  /** The called function's or method's name. */
  callee: string;
  /** `x.m(...)`: the name of the package type `x` is declared or made as, when known; undefined for a function. */
  methodOf?: string;
  method: boolean;
  /**
   * 'select': the result is received in a select with another case, which
   * `place` is (its communication, or `default`); 'dropped': the call's
   * result is thrown away (`f()` as a statement, `_ = f()`), `place` being
   * the call; 'range': a `for range` over the result has a `return`,
   * `break` or labelled jump that leaves it before the channel is closed,
   * `place` being that statement.
   */
  kind: 'select' | 'dropped' | 'range';
  place: PlaceInFile;
  /** Where the call or the receive is: a function waiting for its own result is not judged. */
  at: number;
  /**
   * The call's context arguments the caller cannot cancel, by argument
   * index: 'empty' for `context.Background()`/`TODO()`, 'inherited' for the
   * caller's own context parameter, never reassigned (no
   * `ctx, cancel = context.WithCancel(ctx)` in the caller).
   */
  uncancelled?: Record<number, UncancelledContext>;
}

export type UncancelledContext = 'empty' | 'inherited';

interface FileWaits {
  packageName: string;
  waits: AbandoningWait[];
}

/**
 * Per file: every receive of a call's channel result (`<-f(x)`, or a local
 * only received once: `ch := f(x)` ... `<-ch`) in a select with another
 * case, every range over one that can leave early, and every call whose
 * results are thrown away.
 */
export const ABANDONING_WAITS: FileFactKind<FileWaits> = {
  key: 'futures.abandoningWaits',
  compute(root, path, text, own) {
    const file = own ?? new GoFile(path, text, root.tree);
    const facts: FileWaits = { packageName: file.packageName, waits: [] };
    let lines: LineIndex | undefined;
    const place = (n: Node): PlaceInFile => {
      lines ??= new LineIndex(text);
      return { path, start: n.startIndex, end: n.endIndex, range: { start: lines.position(n.startIndex), end: lines.position(n.endIndex) } };
    };
    for (const select of text.includes('select') ? root.descendantsOfType('select_statement') : []) {
      if (!select) continue;
      const cases = namedChildren(select).filter((c) => c.type === 'communication_case' || c.type === 'default_case');
      if (cases.length < 2) continue;
      for (const clause of cases) {
        const receive = receiveOf(clause);
        const call = receive ? resultCall(file, receive, select) : null;
        const callee = call ? calleeOf(file, call) : null;
        if (!receive || !callee) continue;
        const other = cases.find((c) => c.id !== clause.id)!;
        const header = other.type === 'default_case' ? other.child(0)! : other.childForFieldName('communication')!;
        // The other case waiting for the end of the very context passed ends the goroutine's wait too.
        const waitsFor = doneOperand(other);
        facts.waits.push({ ...callee, kind: 'select', place: place(header), at: receive.startIndex, ...uncancelledContexts(file, call!, waitsFor?.text) });
      }
    }
    for (const loop of text.includes('range') ? root.descendantsOfType('for_statement') : []) {
      const ranged = loop?.namedChildren.find((c) => c?.type === 'range_clause')?.childForFieldName('right');
      const call = ranged ? rangedCall(file, unparen(ranged)) : null;
      const callee = call ? calleeOf(file, call) : null;
      const exit = callee ? earlyExit(loop!) : null;
      if (callee && exit) facts.waits.push({ ...callee, kind: 'range', place: place(exit), at: loop!.startIndex, ...uncancelledContexts(file, call!) });
    }
    for (const statement of root.descendantsOfType(['expression_statement', 'assignment_statement'])) {
      const call = statement ? droppedCall(statement) : null;
      const callee = call ? calleeOf(file, call) : null;
      if (call && callee) facts.waits.push({ ...callee, kind: 'dropped', place: place(call), at: call.startIndex, ...uncancelledContexts(file, call) });
    }
    return facts;
  },
};

/** The context arguments of `call` that its caller cannot cancel (see AbandoningWait.uncancelled). */
function uncancelledContexts(file: GoFile, call: Node, except?: string): Pick<AbandoningWait, 'uncancelled'> {
  const args = call.childForFieldName('arguments');
  if (!args) return {};
  let uncancelled: Record<number, UncancelledContext> | undefined;
  namedChildren(args).forEach((argument, index) => {
    const a = unparen(argument);
    const origin = a.type === 'call_expression' ? (emptyContextCall(file, a) ? 'empty' : undefined) : a.type === 'identifier' && a.text !== except && unassignedContextParameter(file, a) !== null ? 'inherited' : undefined;
    if (origin) (uncancelled ??= {})[index] = origin;
  });
  return uncancelled ? { uncancelled } : {};
}

/**
 * When `name` refers to a context.Context parameter of its function that no
 * assignment of that function writes (not even one declaring another
 * variable of the same name, which it might be): the parameter's index.
 */
function unassignedContextParameter(file: GoFile, name: Node): number | null {
  const declaration = file.resolution.resolve(name);
  const parameter = declaration?.node.parent;
  if (declaration?.kind === 'package' || parameter?.type !== 'parameter_declaration' || parameter.parent?.type !== 'parameter_list') return null;
  const type = parameter.childForFieldName('type');
  const fn = parameter.parent.parent;
  if (!type || !fn || !file.isPackageType(type, 'context', 'Context') || parameter.parent.id !== fn.childForFieldName('parameters')?.id) return null;
  const body = fn.childForFieldName('body');
  const written = body?.descendantsOfType(['assignment_statement', 'short_var_declaration']).some((s) =>
    s?.childForFieldName('left')?.namedChildren.some((target) => target?.type === 'identifier' && target.text === name.text),
  );
  if (written) return null;
  let index = 0;
  for (const p of namedChildren(parameter.parent)) {
    if (p.id === parameter.id) return index + p.childrenForFieldName('name').findIndex((n) => n?.id === declaration!.node.id);
    index += Math.max(1, p.childrenForFieldName('name').length);
  }
  return null;
}

/** The context parameter a send waits for besides its receiver: its index among the parameters, and its name. */
export interface DoneGuard {
  index: number;
  name: string;
}

/**
 * When every send of `sends` (of `fn`'s goroutine) waits in a select whose
 * only other case is `<-ctx.Done()` of the same context parameter of `fn`,
 * never reassigned in `fn`: that parameter. The goroutine then waits until
 * the context its caller passed ends.
 */
export function doneParameterGuard(file: GoFile, fn: Node, sends: readonly Node[]): DoneGuard | null {
  const indexes = new Set(sends.map((send) => sendGuard(file, fn, send)));
  const [index] = indexes;
  if (indexes.size !== 1 || index === null || index === undefined) return null;
  const names = namedChildren(fn.childForFieldName('parameters')!).flatMap((p) => {
    const declared = p.childrenForFieldName('name').filter((n): n is Node => !!n);
    return declared.length ? declared.map((n) => n.text) : ['_'];
  });
  return { index, name: names[index] };
}

function sendGuard(file: GoFile, fn: Node, send: Node): number | null {
  const clause = send.parent;
  const select = clause?.type === 'communication_case' ? clause.parent : null;
  const cases = select ? namedChildren(select).filter((c) => c.type === 'communication_case' || c.type === 'default_case') : [];
  const other = cases.length === 2 ? cases.find((c) => c.id !== clause!.id) : undefined;
  const context = other ? doneOperand(other) : null;
  const declaration = context ? file.resolution.resolve(context) : undefined;
  const parameters = fn.childForFieldName('parameters');
  if (!declaration || !parameters || !isAncestor(parameters, declaration.node)) return null;
  return unassignedContextParameter(file, context!);
}

/** `ctx` for a select case `case <-ctx.Done():` (or `case v := <-ctx.Done():`). */
function doneOperand(clause: Node): Node | null {
  const receive = receiveOf(clause);
  const operand = receive ? unparen(receive.childForFieldName('operand')!) : null;
  const callee = operand?.type === 'call_expression' && operand.childForFieldName('arguments')?.namedChildCount === 0 ? operand.childForFieldName('function') : null;
  const context = callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Done' ? unparen(callee.childForFieldName('operand')!) : null;
  return context?.type === 'identifier' ? context : null;
}

/** The call of `f(x)` as a statement, or of `_ = f(x)`: its results are thrown away. */
function droppedCall(statement: Node): Node | null {
  if (statement.type === 'expression_statement') {
    const call = unparen(statement.namedChild(0) ?? statement);
    return call.type === 'call_expression' ? call : null;
  }
  const left = statement.childForFieldName('left');
  const right = statement.childForFieldName('right');
  if (statement.childForFieldName('operator')?.text !== '=' || left?.namedChildCount !== 1 || left.namedChild(0)?.text !== '_' || right?.namedChildCount !== 1) return null;
  const call = unparen(right.namedChild(0)!);
  return call.type === 'call_expression' ? call : null;
}

/** The `<-x` a select case receives with. */
function receiveOf(clause: Node): Node | null {
  if (clause.type !== 'communication_case') return null;
  const communication = clause.childForFieldName('communication');
  if (!communication) return null;
  const expression = communication.type === 'receive_statement' ? communication.childForFieldName('right') : communication.type === 'expression_statement' ? communication.namedChild(0) : communication;
  return expression && isReceive(unparen(expression)) ? unparen(expression) : null;
}

/**
 * The call whose result `receive` waits for: `<-f(x)` itself, or `<-ch` where
 * `ch := f(x)` (its first value) is received nowhere else and declared
 * outside any loop the select runs in again (a select in a loop whose other
 * case goes round receives on a later run).
 */
function resultCall(file: GoFile, receive: Node, select: Node): Node | null {
  const operand = unparen(receive.childForFieldName('operand')!);
  if (operand.type === 'call_expression') return operand;
  const value = operand.type === 'identifier' ? onlyUseOfResult(file, operand) : null;
  if (!value) return null;
  const statement = value.parent!.parent!;
  for (let n = select.parent; n && !isAncestor(n, statement); n = n.parent) {
    if (n.type === 'for_statement' || n.type === 'func_literal') return null;
  }
  return value;
}

/** The call `ch := f(x)` (its first value) declares the local `name` with, when `name` is used nowhere else. */
function onlyUseOfResult(file: GoFile, name: Node): Node | null {
  const declaration = file.resolution.resolve(name);
  if (!declaration || declaration.kind !== 'local') return null;
  const list = declaration.node.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'short_var_declaration' || list.namedChild(0)?.id !== declaration.node.id) return null;
  const right = statement.childForFieldName('right');
  const value = right?.namedChildCount === 1 ? unparen(right.namedChild(0)!) : null;
  if (value?.type !== 'call_expression') return null;
  return file.resolution.referencesTo(declaration).some((r) => r.id !== name.id) ? null : value;
}

/** The call a `for range` ranges over: `range f(x)`, or `range ch` where `ch := f(x)` is used nowhere else. */
function rangedCall(file: GoFile, ranged: Node): Node | null {
  if (ranged.type === 'call_expression') return ranged;
  return ranged.type === 'identifier' ? onlyUseOfResult(file, ranged) : null;
}

/** The function or method a call names, when it may be one of the package's: `f(...)` (not a local) or `x.m(...)` (x not an import). */
function calleeOf(file: GoFile, call: Node): Pick<AbandoningWait, 'callee' | 'method' | 'methodOf'> | null {
  const callee = unparen(call.childForFieldName('function')!);
  if (callee.type === 'identifier') {
    const declaration = file.resolution.resolve(callee);
    return declaration && declaration.kind !== 'package' ? null : { callee: callee.text, method: false };
  }
  if (callee.type !== 'selector_expression') return null;
  const operand = unparen(callee.childForFieldName('operand')!);
  const name = callee.childForFieldName('field')?.text;
  if (!name || operand.type !== 'identifier') return null;
  if (file.resolution.resolve(operand)?.kind === 'import') return null;
  return { callee: name, method: true, methodOf: packageTypeOfName(file, operand) };
}

/**
 * The places of the package that wait for the channel `fn` returns in a
 * select with another way out, or throw it away. A method's callers count only when the
 * receiver's type is known to be `fn`'s: another package's type may have a
 * method of that name.
 */
export function abandoningWaits(file: GoFile, fn: Node): AbandoningWait[] {
  const name = fn.childForFieldName('name')?.text;
  if (!name || (fn.type !== 'function_declaration' && fn.type !== 'method_declaration')) return [];
  file.dependsOn(name);
  const receiverType = fn.type === 'method_declaration' ? receiverTypeName(fn) : undefined;
  if (fn.type === 'method_declaration' && !receiverType) return [];
  return file
    .packageFacts(ABANDONING_WAITS)
    .filter((f) => f.packageName === file.packageName)
    .flatMap((f) => f.waits)
    .filter((w) => w.callee === name && (receiverType ? w.method && w.methodOf === receiverType : !w.method))
    // A function waiting for its own result (recursion) is not a caller to judge.
    .filter((w) => w.place.path !== file.path || w.at < fn.startIndex || w.at >= fn.endIndex);
}
