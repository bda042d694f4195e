// Small helpers over tree-sitter-go's syntax tree.
import type { Node, Tree } from 'web-tree-sitter';

// Functions and the functions around a node live with the parent cache they need.
export { enclosingFunction, FUNCTION_TYPES, isFunction, topLevelFunction } from './ancestry';
import { isFunction } from './ancestry';

export function functionBody(fn: Node): Node | null {
  return fn.childForFieldName('body');
}

/** The statements of a `block` (tree-sitter-go wraps them in a statement_list). */
export function statementsOf(block: Node): Node[] {
  if (block.type === 'statement_list') return block.namedChildren.filter(isStatement);
  const list = block.namedChildren.find((c) => c?.type === 'statement_list');
  return list ? list.namedChildren.filter(isStatement) : [];
}

function isStatement(node: Node | null): node is Node {
  return !!node && node.type !== 'comment';
}

/** Go identifiers (and keywords) in a text: for `text.match(IDENTIFIER_WORDS)`. */
export const IDENTIFIER_WORDS = /[\p{L}_][\p{L}\p{N}_]*/gu;

/**
 * True when `text` may hold `name` as an identifier token: an occurrence not
 * followed by a letter, digit or underscore, and not preceded by a run of
 * them that starts with a letter or underscore (which would make it part of
 * a longer identifier). Comments and strings count too: a necessary
 * condition, not a sufficient one.
 */
export function mentionsIdentifier(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
    if (isWordCode(text.charCodeAt(i + name.length))) continue;
    let j = i;
    while (j > 0 && isWordCode(text.charCodeAt(j - 1))) j--;
    if (j === i || !isLetterCode(text.charCodeAt(j))) return true;
  }
  return false;
}

/** An ASCII letter, digit or underscore (NaN, past the end, is none). */
function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || isLetterCode(c);
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Named children, without comments (which tree-sitter places anywhere). */
export function namedChildren(node: Node): Node[] {
  return (node.type === 'source_file' ? topLevel(node) : node.namedChildren).filter((c): c is Node => !!c && c.type !== 'comment');
}

/** The top-level nodes of a file, comments included: made once per tree, as many facts start from them. */
export function topLevel(root: Node): Node[] {
  const cached = topLevelByTree.get(root.tree);
  // A tree edited in place (tree.edit) moves its nodes: its end tells.
  if (cached?.root === root.id && cached.end === root.endIndex) return cached.nodes;
  const nodes = root.namedChildren.filter((c): c is Node => !!c);
  topLevelByTree.set(root.tree, { root: root.id, end: root.endIndex, nodes });
  return nodes;
}

const topLevelByTree = new WeakMap<Tree, { root: number; end: number; nodes: Node[] }>();

export function childrenOfType(node: Node, type: string): Node[] {
  return namedChildren(node).filter((c) => c.type === type);
}

export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/** True when `node` lies inside the body of a `for` loop of its own function. */
export function isInsideLoop(node: Node): boolean {
  for (let n = node, p = node.parent; p; n = p, p = p.parent) {
    if (isFunction(p)) return false;
    if (p.type === 'for_statement' && p.childForFieldName('body')?.id === n.id) return true;
  }
  return false;
}

export function isAncestor(ancestor: Node, node: Node): boolean {
  return ancestor.startIndex <= node.startIndex && node.endIndex <= ancestor.endIndex;
}

/** Calls `visit` on `node` and every descendant, in source order. */
export function walk(node: Node, visit: (n: Node) => boolean | void): void {
  const cursor = node.walk();
  try {
    let descend = true;
    // How far below `node` the cursor is: back at 0, the walk is over (no node object needed to tell).
    let depth = 0;
    for (;;) {
      if (descend) {
        descend = visit(cursor.currentNode) !== false && cursor.gotoFirstChild();
        if (descend) {
          depth++;
          continue;
        }
      }
      if (depth > 0 && cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (depth === 0 || !cursor.gotoParent()) return;
      if (--depth === 0) return;
      descend = false;
    }
  } finally {
    cursor.delete();
  }
}

/** The leading white space of the line that contains `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const match = /^[ \t]*/.exec(text.slice(lineStart, offset));
  return match ? match[0] : '';
}

/** The Go string value of an interpreted or raw string literal. */
export function stringLiteralValue(node: Node): string | null {
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  if (node.type === 'interpreted_string_literal') return node.text.slice(1, -1).replace(/\\(.)/g, '$1');
  return null;
}

/** Node types that can occur inside an interpreted string literal (which tree-sitter-go does not keep as one token). */
const STRING_INTERIOR_TYPES = new Set(['escape_sequence', 'interpreted_string_literal_content', '"', 'ERROR', 'comment']);

/**
 * Every node of `root`'s subtree (root included) whose type is in `types`, in
 * source order (pre-order, as a cursor walk visits them). The walk usually
 * runs inside wasm (descendantsOfType), which costs far less than a cursor
 * walk driven from JavaScript, one call per node and move. But it cannot skip
 * the interior of string literals, where files of embedded data (hundreds of
 * thousands of escape sequences) spend most of their nodes; when the
 * estimated share of such nodes makes it pay, a cursor walk that does not
 * enter string literals is used instead. Both give the same nodes.
 */
export function nodesOfTypes(root: Node, types: ReadonlySet<string>, text: string): Node[] {
  if (types.size === 0) return [];
  const canSkipStrings = ![...types].some((t) => STRING_INTERIOR_TYPES.has(t));
  if (canSkipStrings && root.descendantCount > 30_000 && mostlyEscapes(root, text)) return cursorNodesOfTypes(root, types);
  // descendantsOfType skips zero-width nodes at offset 0 (its range starts there): walk an empty tree by hand.
  if (root.endIndex === 0) return cursorNodesOfTypes(root, types);
  return root.descendantsOfType([...types]).filter((n): n is Node => !!n);
}

/** True when escape sequences (about two string-interior nodes each) are a large share of the subtree's nodes. */
function mostlyEscapes(root: Node, text: string): boolean {
  const end = root.endIndex;
  const enough = root.descendantCount / 8;
  let escapes = 0;
  for (let i = text.indexOf('\\', root.startIndex); i !== -1 && i < end; i = text.indexOf('\\', i + 2)) {
    if (++escapes >= enough) return true;
  }
  return false;
}

function cursorNodesOfTypes(root: Node, types: ReadonlySet<string>): Node[] {
  const nodes: Node[] = [];
  const cursor = root.walk();
  try {
    for (let more = true; more; ) {
      const type = cursor.nodeType;
      if (types.has(type)) nodes.push(cursor.currentNode);
      if ((type !== 'interpreted_string_literal' && cursor.gotoFirstChild()) || cursor.gotoNextSibling()) continue;
      more = false;
      while (cursor.gotoParent()) {
        if (cursor.gotoNextSibling()) {
          more = true;
          break;
        }
      }
    }
  } finally {
    cursor.delete();
  }
  return nodes;
}

/** The innermost `for` statement around `node` inside its own function, or null. */
export function enclosingLoop(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (isFunction(n)) return null;
    if (n.type === 'for_statement') return n;
  }
  return null;
}

/** True when `a` and `b` are in different branches of the same `if` statement: at most one of them runs. */
export function inExclusiveBranches(a: Node, b: Node): boolean {
  for (let n = a.parent; n; n = n.parent) {
    if (isFunction(n)) return false;
    if (n.type !== 'if_statement' || !isAncestor(n, b)) continue;
    const consequence = n.childForFieldName('consequence');
    const alternative = n.childForFieldName('alternative');
    if (!consequence || !alternative) return false;
    return (isAncestor(consequence, a) && isAncestor(alternative, b)) || (isAncestor(alternative, a) && isAncestor(consequence, b));
  }
  return false;
}
