// Where a cancel (or any) variable defined by a statement can be lost: the
// exits reached without a use of it, and the statements that overwrite it
// before any use. Any reference counts as a use, as in go vet's lostcancel:
// a call, a defer, a return, an argument, a store, a closure that captures it.
import type { Node } from 'web-tree-sitter';
import type { CfgNode, ControlFlowGraph } from './cfg';
import type { GoFile } from './file';
import type { Declaration } from './scope';
import { isAncestor } from './syntax';

export interface UnusedPaths {
  /** `return` statements, or the body itself when falling off its end, reached without a use. */
  exits: Node[];
  /** Statements that assign the variable again (or run the defining statement again) before a use. */
  overwrites: Node[];
}

/**
 * Follows every path from `definition` (the statement that assigns
 * `variable`) and collects where the value is lost unused. `isNamedResult`
 * makes a naked `return` a use.
 */
export function unusedPaths(file: GoFile, graph: ControlFlowGraph, definition: Node, variable: Declaration, isNamedResult: boolean): UnusedPaths {
  const result: UnusedPaths = { exits: [], overwrites: [] };
  const start = graph.nodeOf(definition);
  if (!start) return result;
  const references = file.resolution.referencesTo(variable).filter((r) => !isAncestor(definition, r));
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
      const inside = references.filter((r) => isAncestor(syntax, r));
      if (inside.length > 0) {
        if (inside.every((r) => isAssignedOnly(r, syntax))) result.overwrites.push(syntax);
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

function pushSuccessors(stack: CfgNode[], node: CfgNode): void {
  for (let i = node.succs.length - 1; i >= 0; i--) stack.push(node.succs[i]);
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
