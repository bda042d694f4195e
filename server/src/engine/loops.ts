// Facts about `for` loops, from the syntax alone: the infinite form, the
// statements that end an iteration early or leave the loop (return, goto,
// break, continue, with labels), Go's terminating statements, and function
// literals that are known to be called over and over.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { isAncestor, isFunction, namedChildren, statementsOf, unparen, walk } from './syntax';

/** True for `for { ... }` and `for ;; { ... }`: a loop without a condition. */
export function isInfiniteLoop(loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const header = namedChildren(loop).filter((c) => c.type !== 'block');
  if (header.length === 0) return true;
  return header.length === 1 && header[0].type === 'for_clause' && !header[0].childForFieldName('condition');
}

/** The label of a labelled statement (`outer: for ...`), or null. */
export function labelOf(statement: Node): string | null {
  const parent = statement.parent;
  return parent?.type === 'labeled_statement' ? (parent.childForFieldName('label')?.text ?? null) : null;
}

export type JumpKind =
  /** `return`: leaves the function. */
  | 'return'
  /** `goto` a label outside the loop body. */
  | 'goto'
  /** `break` of this loop. */
  | 'break'
  /** `continue` of this loop: ends the iteration, stays in the loop. */
  | 'continue'
  /** `break` or `continue` of a statement that encloses the loop. */
  | 'outer';

export interface Jump {
  node: Node;
  kind: JumpKind;
}

const BREAKABLE = new Set(['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement']);

/**
 * The statements of `loop`'s body (not of nested function literals) that
 * end the current iteration other than by reaching the end of the body, in
 * source order. Jumps whose target lies inside the body are not listed.
 */
export function loopJumps(loop: Node): Jump[] {
  const body = loop.childForFieldName('body');
  if (!body) return [];
  const inner = new Set<string>();
  collect(body, (n) => {
    if (n.type === 'labeled_statement') {
      const name = n.childForFieldName('label')?.text;
      if (name) inner.add(name);
    }
  });
  const own = labelOf(loop);
  const jumps: Jump[] = [];
  collect(body, (n) => {
    const label = n.namedChildren.find((c) => c?.type === 'label_name')?.text ?? null;
    switch (n.type) {
      case 'return_statement':
        jumps.push({ node: n, kind: 'return' });
        break;
      case 'goto_statement':
        if (!label || !inner.has(label)) jumps.push({ node: n, kind: 'goto' });
        break;
      case 'break_statement':
      case 'continue_statement': {
        const isBreak = n.type === 'break_statement';
        if (label !== null) {
          if (inner.has(label)) break;
          jumps.push({ node: n, kind: label === own ? (isBreak ? 'break' : 'continue') : 'outer' });
          break;
        }
        let target: Node | null = n.parent;
        while (target && target.id !== loop.id && !(isBreak ? BREAKABLE.has(target.type) : target.type === 'for_statement')) target = target.parent;
        if (target?.id === loop.id) jumps.push({ node: n, kind: isBreak ? 'break' : 'continue' });
        break;
      }
    }
  });
  return jumps.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** Visits `node`'s descendants, not entering function literals. */
function collect(node: Node, visit: (n: Node) => void): void {
  for (const child of node.namedChildren) {
    if (!child || isFunction(child)) continue;
    visit(child);
    collect(child, visit);
  }
}

/**
 * True when `statement` is terminating in the sense of the Go
 * specification (control never flows past it): return, goto, a call that
 * never returns, a block or if/else whose branches all terminate, an
 * infinite for without break, a switch or select whose clauses all
 * terminate without break.
 */
export function isTerminating(file: GoFile, statement: Node): boolean {
  switch (statement.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'expression_statement': {
      const call = unparen(statement.namedChild(0)!);
      return call.type === 'call_expression' && file.neverReturns(call);
    }
    case 'block': {
      const statements = statementsOf(statement);
      return statements.length > 0 && isTerminating(file, statements[statements.length - 1]);
    }
    case 'labeled_statement': {
      const inner = namedChildren(statement).find((c) => c.type !== 'label_name');
      return !!inner && isTerminating(file, inner);
    }
    case 'if_statement': {
      const consequence = statement.childForFieldName('consequence');
      const alternative = statement.childForFieldName('alternative');
      return !!consequence && !!alternative && isTerminating(file, consequence) && isTerminating(file, alternative);
    }
    case 'for_statement':
      return isInfiniteLoop(statement) && !loopJumps(statement).some((j) => j.kind === 'break' || j.kind === 'outer');
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement': {
      const clauses = namedChildren(statement).filter((c) => c.type.endsWith('_case'));
      if (statement.type !== 'select_statement' && !clauses.some((c) => c.type === 'default_case')) return false;
      if (hasBreakOf(statement)) return false;
      return clauses.every((clause) => {
        const list = namedChildren(clause).find((c) => c.type === 'statement_list');
        const statements = list ? statementsOf(list) : [];
        const last = statements[statements.length - 1];
        return !!last && (isTerminating(file, last) || last.type === 'fallthrough_statement');
      });
    }
    default:
      return false;
  }
}

/** True when some `break` in `statement` (a switch or select) targets it. */
function hasBreakOf(statement: Node): boolean {
  const own = labelOf(statement);
  let found = false;
  collect(statement, (n) => {
    if (n.type !== 'break_statement') return;
    const label = n.namedChildren.find((c) => c?.type === 'label_name')?.text ?? null;
    if (label !== null) {
      if (label === own) found = true;
      return;
    }
    let target: Node | null = n.parent;
    while (target && target.id !== statement.id && !BREAKABLE.has(target.type)) target = target.parent;
    if (target?.id === statement.id) found = true;
  });
  return found;
}

/**
 * Calls that run a function literal argument over and over: walkers,
 * HTTP handlers, Range callbacks.
 */
const REPEATING_PACKAGE_FUNCTIONS: ReadonlyArray<[path: string, name: string]> = [
  ['path/filepath', 'Walk'],
  ['path/filepath', 'WalkDir'],
  ['io/fs', 'WalkDir'],
  ['net/http', 'HandleFunc'],
  ['net/http', 'HandlerFunc'],
];
const REPEATING_METHODS = new Set(['HandleFunc', 'Range']);

/** True when `literal` is an argument of a call known to call it repeatedly (filepath.Walk, http.HandleFunc, m.Range...). */
export function isRepeatedCallback(file: GoFile, literal: Node): boolean {
  if (literal.type !== 'func_literal' || literal.parent?.type !== 'argument_list') return false;
  const call = literal.parent.parent;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (!callee) return false;
  if (REPEATING_PACKAGE_FUNCTIONS.some(([path, name]) => file.packageMember(callee, path) === name)) return true;
  if (callee.type !== 'selector_expression') return false;
  const operand = callee.childForFieldName('operand');
  if (operand?.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import') return false;
  return REPEATING_METHODS.has(callee.childForFieldName('field')?.text ?? '');
}

/**
 * When the select is a statement of the body of a `for` loop and one of its
 * cases other than `own` leaves the loop: that case's communication (or the
 * `default` keyword). In an endless loop, a case that returns, breaks or
 * jumps out; in a loop on a condition about one variable (`for errc ==
 * nil`, `for !done`), a case that assigns that variable (`case errc =
 * <-p.quit:`, `case <-quit: done = true`), ending the loop after this run.
 * A loop left only from `own` stops when told to through that case's
 * channel: its values are the stop signal, not data.
 */
export function selectLoopExit(select: Node, own: Node): Node | null {
  const list = select.parent?.type === 'statement_list' ? select.parent.parent : select.parent;
  const loop = list?.type === 'block' ? list.parent : null;
  if (!loop) return null;
  if (!isInfiniteLoop(loop)) return conditionLoopExit(loop, select, own);
  for (const jump of loopJumps(loop)) {
    if (jump.kind !== 'return' && jump.kind !== 'break' && jump.kind !== 'goto' && jump.kind !== 'outer') continue;
    if (!isAncestor(select, jump.node) || isAncestor(own, jump.node)) continue;
    const clause = namedChildren(select).find((c) => isAncestor(c, jump.node));
    if (clause?.type === 'communication_case') return clause.childForFieldName('communication');
    if (clause?.type === 'default_case') return clause.child(0);
  }
  return null;
}

/** selectLoopExit of a `for cond` loop: the first case other than `own` that assigns the one variable `cond` reads. */
function conditionLoopExit(loop: Node, select: Node, own: Node): Node | null {
  if (loop.type !== 'for_statement') return null;
  const header = namedChildren(loop).filter((c) => c.type !== 'block');
  if (header.length !== 1 || header[0].type === 'for_clause' || header[0].type === 'range_clause') return null;
  const names = new Set(header[0].descendantsOfType('identifier').map((n) => n?.text));
  const name = names.size === 1 ? [...names][0] : undefined;
  if (!name) return null;
  for (const clause of namedChildren(select)) {
    if (clause.id === own.id || !assignsTo(clause, name)) continue;
    if (clause.type === 'communication_case') return clause.childForFieldName('communication');
    if (clause.type === 'default_case') return clause.child(0);
  }
  return null;
}

/** True when `code` (outside function literals) assigns `name` with `=` (`name = v`, `name = <-ch`, `a, name = f()`). */
function assignsTo(code: Node, name: string): boolean {
  let found = false;
  walk(code, (n) => {
    if (found || n.type === 'func_literal') return false;
    if ((n.type === 'assignment_statement' || n.type === 'receive_statement') && n.children.some((c) => c?.type === '=')) {
      const left = n.childForFieldName('left');
      if (left && (left.type === 'expression_list' ? namedChildren(left) : [left]).some((t) => t.type === 'identifier' && t.text === name)) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * The first statement of a loop's body that leaves the loop before it ends
 * on its own: a `return`, a `break` of this loop, a labelled `break` or
 * `continue` of an enclosing statement, a `goto` (not inside a function
 * literal).
 */
export function earlyExit(loop: Node): Node | null {
  const body = loop.childForFieldName('body');
  if (!body) return null;
  const labels = new Set<string>();
  for (let n: Node | null = loop; n; n = n.parent) {
    if (n.parent?.type === 'labeled_statement') labels.add(n.parent.childForFieldName('label')?.text ?? '');
    if (n.type === 'func_literal' || n.type === 'function_declaration' || n.type === 'method_declaration') break;
  }
  const ownLabel = loop.parent?.type === 'labeled_statement' ? loop.parent.childForFieldName('label')?.text : undefined;
  let found: Node | null = null;
  const visit = (n: Node, breakable: boolean): void => {
    if (found || n.type === 'func_literal') return;
    const label = n.type === 'break_statement' || n.type === 'continue_statement' ? n.namedChild(0)?.text : undefined;
    if (
      n.type === 'return_statement' ||
      n.type === 'goto_statement' ||
      (n.type === 'break_statement' && (label ? labels.has(label) : !breakable)) ||
      (n.type === 'continue_statement' && label !== undefined && labels.has(label) && label !== ownLabel)
    ) {
      found = n;
      return;
    }
    // An unlabelled break inside a nested loop, switch or select leaves that statement.
    const nested = breakable || BREAKABLE.has(n.type);
    for (const child of n.namedChildren) if (child) visit(child, nested);
  };
  visit(body, false);
  return found;
}

