// Reachability questions over a function's control-flow graph (cfg.ts):
// which graph node evaluates a piece of syntax, and where control can go
// from there.
import type { Node } from 'web-tree-sitter';
import type { CfgNode, ControlFlowGraph } from './cfg';
import { isFunction } from './syntax';

/** The graph node that evaluates `syntax`: the node of it or of its nearest enclosing statement or header in the same function. */
export function cfgNodeAt(graph: ControlFlowGraph, syntax: Node): CfgNode | undefined {
  for (let n: Node | null = syntax; n; n = n.parent) {
    const found = graph.nodeOf(n);
    if (found) return found;
    if (isFunction(n)) return undefined;
  }
  return undefined;
}

/** Every node reachable from the entry. */
export function cfgNodes(graph: ControlFlowGraph): CfgNode[] {
  return reachableFrom([graph.entry]);
}

/**
 * The nodes reachable from `starts` (included), not following the edges
 * `skip` rejects (from a node to its successor at `index`).
 */
export function reachableFrom(starts: readonly CfgNode[], skip?: (node: CfgNode, index: number) => boolean): CfgNode[] {
  const seen = new Set<number>();
  const out: CfgNode[] = [];
  const stack = [...starts];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    out.push(n);
    n.succs.forEach((s, i) => {
      if (!skip?.(n, i)) stack.push(s);
    });
  }
  return out;
}

/**
 * True when control can come back to `syntax` after it runs in `graph` (a
 * loop around it that it does not always leave); true when the graph does
 * not know it.
 */
export function runsAgain(graph: ControlFlowGraph, syntax: Node): boolean {
  const node = cfgNodeAt(graph, syntax);
  if (!node) return true;
  return reachableFrom(node.succs).some((n) => n.id === node.id);
}
