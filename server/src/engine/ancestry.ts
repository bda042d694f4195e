// Parents of syntax nodes, and the functions around them, in time
// independent of nesting depth.
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
  /** The innermost function strictly above each node asked (and the nodes on the way), by node id. */
  readonly enclosingFunctionById: Map<number, Node | null>;
  /** The outermost function around each function asked, by node id. */
  readonly topLevelFunctionById: Map<number, Node>;
}

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export function isFunction(node: Node): boolean {
  return FUNCTION_TYPES.has(node.type);
}

/** The innermost function (declaration, method or literal) that contains `node`. */
export function enclosingFunction(node: Node): Node | null {
  const memo = parentsOf(node.tree).enclosingFunctionById;
  // Every node passed on the way up has the same answer.
  const passed: number[] = [];
  let found: Node | null = null;
  for (let n = node; ; ) {
    const known = memo.get(n.id);
    if (known !== undefined) {
      found = known;
      break;
    }
    passed.push(n.id);
    const parent = n.parent;
    if (!parent || isFunction(parent)) {
      found = parent;
      break;
    }
    n = parent;
  }
  for (const id of passed) memo.set(id, found);
  return found;
}

/** The outermost function declaration or method that contains `node` (itself, when it is one). */
export function topLevelFunction(node: Node): Node | null {
  const innermost = isFunction(node) ? node : enclosingFunction(node);
  if (!innermost) return null;
  const memo = parentsOf(node.tree).topLevelFunctionById;
  const passed: number[] = [];
  let top = innermost;
  for (;;) {
    const known = memo.get(top.id);
    if (known) {
      top = known;
      break;
    }
    passed.push(top.id);
    const outer = enclosingFunction(top);
    if (!outer) break;
    top = outer;
  }
  for (const id of passed) memo.set(id, top);
  return top;
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

function parentsOf(tree: Tree): TreeParents {
  let parents = byTree.get(tree);
  if (!parents) {
    const root = tree.rootNode;
    parents = { parentById: new Map([[root.id, null]]), path: [root], enclosingFunctionById: new Map(), topLevelFunctionById: new Map() };
    byTree.set(tree, parents);
  }
  return parents;
}

function parentOf(node: Node): Node | null {
  const { parentById, path } = parentsOf(node.tree);
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
