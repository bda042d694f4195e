// What blocks the running goroutine, as far as syntax shows it: channel
// receives and sends, a select without a default case, time.Sleep, and the
// argument-less Wait() of sync.WaitGroup, sync.Cond and exec.Cmd.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { enclosingFunction, FUNCTION_TYPES, isFunction, namedChildren, nodesOfTypes } from './syntax';

export interface BlockingOperation {
  node: Node;
  /** For messages: `a channel receive`, `time.Sleep`, `a select without a default case`. */
  description: string;
}

/** True when a `select` statement has a `default` case (so it never blocks on its own). */
export function selectHasDefault(select: Node): boolean {
  return namedChildren(select).some((c) => c.type === 'default_case');
}

/** True for `<-ch` (a receive expression). */
export function isReceive(node: Node): boolean {
  return node.type === 'unary_expression' && node.childForFieldName('operator')?.type === '<-';
}

/**
 * The operations inside `root` (not inside nested function literals) that
 * block until another goroutine or the clock acts, in source order. The
 * communications of a select count as the select itself.
 */
export function blockingOperations(file: GoFile, root: Node): BlockingOperation[] {
  const { operations, starts } = fileOperations(file);
  const owner = isFunction(root) ? root.id : (enclosingFunction(root)?.id ?? -1);
  const found: BlockingOperation[] = [];
  for (let i = firstAtOrAfter(starts, root.startIndex); i < operations.length && operations[i].node.startIndex < root.endIndex; i++) {
    const op = operations[i];
    if (op.owner === owner && op.node.endIndex <= root.endIndex) found.push(op);
  }
  return found;
}

interface OwnedOperation extends BlockingOperation {
  /** The id of the innermost function around the operation (-1 outside any). */
  owner: number;
}

/**
 * Every blocking operation of a file, with the function it belongs to, in
 * source order: found in one walk, so that asking for the operations of each
 * of a thousand nested loops costs a search, not a walk.
 */
const operationsByFile = new WeakMap<GoFile, { operations: OwnedOperation[]; starts: number[] }>();

const WALKED = new Set(['select_statement', 'send_statement', 'unary_expression', 'call_expression', ...FUNCTION_TYPES]);

function fileOperations(file: GoFile): { operations: OwnedOperation[]; starts: number[] } {
  let known = operationsByFile.get(file);
  if (known) return known;
  const operations: OwnedOperation[] = [];
  const functions: Node[] = [];
  for (const node of nodesOfTypes(file.root, WALKED, file.text)) {
    while (functions.length && functions[functions.length - 1].endIndex <= node.startIndex) functions.pop();
    if (isFunction(node)) {
      functions.push(node);
      continue;
    }
    const description = blockingDescription(file, node);
    if (description) operations.push({ node, description, owner: functions.length ? functions[functions.length - 1].id : -1 });
  }
  known = { operations, starts: operations.map((o) => o.node.startIndex) };
  operationsByFile.set(file, known);
  return known;
}

/** What `node` is as a blocking operation, or undefined when it does not block. */
function blockingDescription(file: GoFile, node: Node): string | undefined {
  switch (node.type) {
    case 'select_statement':
      return selectHasDefault(node) ? undefined : 'a select without a default case';
    case 'send_statement':
      return isCommunication(node) ? undefined : 'a channel send';
    case 'unary_expression':
      // A receive that is a select case's communication (or its right-hand side) is the select's.
      return isReceive(node) && !isCommunication(node) && !isCommunication(node.parent) ? 'a channel receive' : undefined;
    case 'call_expression': {
      const callee = node.childForFieldName('function');
      const args = node.childForFieldName('arguments');
      if (callee && file.packageMember(callee, 'time') === 'Sleep') return 'time.Sleep';
      if (callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Wait' && args && namedChildren(args).length === 0) {
        const operand = callee.childForFieldName('operand');
        if (!(operand?.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import')) return `${callee.text}()`;
      }
      return undefined;
    }
  }
  return undefined;
}

/** True when `node` is the communication of a select case (`case c <- v:`, `case <-c:`, `case v := <-c:`). */
function isCommunication(node: Node | null): boolean {
  const clause = node?.parent;
  return clause?.type === 'communication_case' && clause.childForFieldName('communication')?.id === node!.id;
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
