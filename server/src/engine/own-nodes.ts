// The nodes of a kind that belong to a piece of code, found by range.
//
// Facts like "the blocking operations of this loop body" or "the calls of
// this loop, not of the goroutines it starts" were found by walking the
// subtree each time they were asked: for a thousand nested loops, a
// thousand walks of ever larger subtrees. A `NodeKind` is instead found once
// per file, in one walk (in wasm), each node tested once and tagged with the
// function it belongs to; asking for the nodes of a subtree is then a binary
// search and a scan of numbers. The index is built per top-level function
// (the outermost one around the node asked about), so a file pays only for
// the functions its rules ask about.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { enclosingFunction, topLevelFunction } from './ancestry';
import { FUNCTION_TYPES, isFunction, nodesOfTypes } from './syntax';
import { lowerBound } from './sorted';

export interface NodeKind {
  /** The node types to look at. */
  readonly types: ReadonlySet<string>;
  /** Which of them are of the kind (all of them when absent); asked once per node and file. */
  readonly test?: (file: GoFile, node: Node) => boolean;
}

interface Owned {
  readonly node: Node;
  /** The node's end offset (web-tree-sitter asks wasm for it on every read). */
  readonly end: number;
  /** The id of the innermost function around the node (-1 outside any). */
  readonly owner: number;
}

interface KindIndex {
  readonly nodes: readonly Owned[];
  readonly starts: readonly number[];
}

/** Per file, per kind, per top-level function (by id; -1 for code outside functions). */
const indexes = new WeakMap<GoFile, Map<NodeKind, Map<number, KindIndex>>>();

/**
 * The nodes of `kind` inside `root` (root included) that belong to the same
 * function as `root` (not to a function literal below it), in source order.
 * `root` must be a node of `file`'s tree.
 */
export function ownNodes(file: GoFile, root: Node, kind: NodeKind): Node[] {
  const { nodes, starts } = indexOf(file, root, kind);
  const owner = isFunction(root) ? root.id : (enclosingFunction(root)?.id ?? -1);
  const rootEnd = root.endIndex;
  const found: Node[] = [];
  for (let i = lowerBound(starts, root.startIndex); i < nodes.length && starts[i] < rootEnd; i++) {
    const { node, end, owner: nodeOwner } = nodes[i];
    if (nodeOwner === owner && end <= rootEnd) found.push(node);
  }
  return found;
}

/** The nodes of `kind` inside `root` (root included), whatever function they belong to, in source order. */
export function nodesWithin(file: GoFile, root: Node, kind: NodeKind): Node[] {
  const { nodes, starts } = indexOf(file, root, kind);
  const rootEnd = root.endIndex;
  const found: Node[] = [];
  for (let i = lowerBound(starts, root.startIndex); i < nodes.length && starts[i] < rootEnd; i++) {
    if (nodes[i].end <= rootEnd) found.push(nodes[i].node);
  }
  return found;
}

function indexOf(file: GoFile, root: Node, kind: NodeKind): KindIndex {
  let byKind = indexes.get(file);
  if (!byKind) indexes.set(file, (byKind = new Map()));
  let byUnit = byKind.get(kind);
  if (!byUnit) byKind.set(kind, (byUnit = new Map()));
  const top = topLevelFunction(root);
  let index = byUnit.get(top?.id ?? -1);
  if (index) return index;
  const nodes: Owned[] = [];
  // The functions around the current node; a walk of one top-level function starts inside it.
  const functions: Node[] = top ? [top] : [];
  for (const node of nodesOfTypes(top ?? file.root, new Set([...kind.types, ...FUNCTION_TYPES]), file.text)) {
    if (node.id === top?.id) continue;
    while (functions.length && functions[functions.length - 1].endIndex <= node.startIndex) functions.pop();
    const owner = functions.length ? functions[functions.length - 1].id : -1;
    if (kind.types.has(node.type) && (!kind.test || kind.test(file, node))) nodes.push({ node, end: node.endIndex, owner });
    if (isFunction(node)) functions.push(node);
  }
  index = { nodes, starts: nodes.map((o) => o.node.startIndex) };
  byUnit.set(top?.id ?? -1, index);
  return index;
}
