// Where a cancel (or any) variable defined by a statement can be lost: the
// exits reached without a use of it, and the statements that overwrite it
// before any use. Any reference counts as a use, as in go vet's lostcancel:
// a call, a defer, a return, an argument, a store, a closure that captures it.
import type { Node } from 'web-tree-sitter';
import type { CfgNode, ControlFlowGraph } from './cfg';
import type { GoFile } from './file';
import type { Declaration } from './scope';
import { isAncestor } from './syntax';
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
 * ended, so there is nothing left to release).
 */
export function unusedPaths(file: GoFile, graph: ControlFlowGraph, definition: Node, variable: Declaration, isNamedResult: boolean, extraUses: readonly Node[] = []): UnusedPaths {
  const result: UnusedPaths = { exits: [], overwrites: [] };
  const start = graph.nodeOf(definition);
  if (!start) return result;
  const uses = usesOf(file, variable, extraUses);
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

function usesOf(file: GoFile, variable: Declaration, extraUses: readonly Node[]): SortedUses {
  let byKey = sortedUses.get(file);
  if (!byKey) sortedUses.set(file, (byKey = new Map()));
  const key = `${variable.node.id}:${extraUses.map((n) => n.id).join(',')}`;
  let uses = byKey.get(key);
  if (!uses) {
    const references = file.resolution.referencesTo(variable).filter((r) => !isDiscarded(r));
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
