// Parents of syntax nodes in time independent of nesting depth.
//
// web-tree-sitter finds a node's parent by descending from the root to the
// node (ts_node_parent), so each `.parent` costs the node's depth, and the
// walks up the tree that the engine does everywhere (the enclosing function,
// loop, statement) cost depth squared: 300 nested goroutines took seconds.
// `installParentCache` replaces the `parent` getter, once per thread, by one
// that remembers, per tree, the parent of every node it met on the way down,
// and starts each descent from the deepest node of the previous one that
// contains the node asked for: nodes asked in source order, or up a chain,
// cost a constant each. The answer is the same node tree-sitter gives: the
// same descent (childWithDescendant, which ts_node_parent uses) from a node
// on the one path down from the root, since a non-empty node is inside
// exactly one child at every level. Empty nodes (MISSING ones) ask
// tree-sitter. A tree edited in place must be forgotten (`forgetParents`).
import { Node, type Tree } from 'web-tree-sitter';

interface TreeParents {
  /** The parent of each node met, by node id (null for the root). */
  readonly parentById: Map<number, Node | null>;
  /** The nodes of the last descent, from the root down. */
  readonly path: Node[];
}

const byTree = new WeakMap<Tree, TreeParents>();
let nativeParent: ((this: Node) => Node | null) | undefined;

export function installParentCache(): void {
  if (nativeParent) return;
  const descriptor = Object.getOwnPropertyDescriptor(Node.prototype, 'parent');
  if (!descriptor?.get) throw new Error('web-tree-sitter: Node has no parent getter');
  nativeParent = descriptor.get as (this: Node) => Node | null;
  Object.defineProperty(Node.prototype, 'parent', {
    configurable: true,
    get(this: Node) {
      return parentOf(this);
    },
  });
}

/** Drops what is remembered of `tree`'s parents: after `tree.edit`, its nodes are no longer where they were. */
export function forgetParents(tree: Tree): void {
  byTree.delete(tree);
}

function parentOf(node: Node): Node | null {
  const tree = node.tree;
  let parents = byTree.get(tree);
  if (!parents) {
    const root = tree.rootNode;
    parents = { parentById: new Map([[root.id, null]]), path: [root] };
    byTree.set(tree, parents);
  }
  const { parentById, path } = parents;
  const known = parentById.get(node.id);
  if (known !== undefined) return known;
  const start = node.startIndex;
  const end = node.endIndex;
  if (start === end) return remember(parentById, node, nativeParent!.call(node));
  while (path.length > 1) {
    const top = path[path.length - 1];
    if (top.startIndex <= start && end <= top.endIndex) break;
    path.pop();
  }
  for (let at = path[path.length - 1]; at.id !== node.id; ) {
    const child = at.childWithDescendant(node);
    if (!child) {
      // Not below the path (cannot happen for a node of this tree): ask tree-sitter, start again from the root.
      path.length = 1;
      return remember(parentById, node, nativeParent!.call(node));
    }
    parentById.set(child.id, at);
    path.push(child);
    at = child;
  }
  return parentById.get(node.id) ?? null;
}

function remember(parentById: Map<number, Node | null>, node: Node, parent: Node | null): Node | null {
  parentById.set(node.id, parent);
  return parent;
}
