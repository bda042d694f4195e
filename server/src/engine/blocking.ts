// What blocks the running goroutine, as far as syntax shows it: channel
// receives and sends, a select without a default case, time.Sleep, the
// argument-less Wait() of sync.WaitGroup, sync.Cond and exec.Cmd, net/http
// requests, and I/O methods (Read, Write, Recv, Send, Accept, Do, Query,
// Exec, Begin...) on a parameter or a field.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { ownNodes, type NodeKind } from './own-nodes';
import { namedChildren, unparen } from './syntax';

export interface BlockingOperation {
  node: Node;
  /** For messages: `a channel receive`, `time.Sleep`, `a select without a default case`. */
  description: string;
}

/** Calls that wait on a connection, a stream or a database: `conn.Read`, `stream.Recv`, `client.Do`, `db.Query`, `l.Accept`. */
const IO_METHOD = /^(Read|ReadFrom|ReadMsg\w*|Write|WriteTo|WriteMsg\w*|Recv\w*|Send\w*|Accept\w*|Do|Query\w*|Exec\w*|Begin\w*)$/;
const HTTP_REQUESTS = new Set(['Get', 'Head', 'Post', 'PostForm']);

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
  return ownNodes(file, root, BLOCKING).map((node) => ({ node, description: blockingDescription(file, node)! }));
}

const BLOCKING: NodeKind = {
  types: new Set(['select_statement', 'send_statement', 'unary_expression', 'call_expression']),
  test: (file, node) => blockingDescription(file, node) !== undefined,
};

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
      const http = callee ? file.packageMember(callee, 'net/http') : null;
      if (http && HTTP_REQUESTS.has(http)) return `a request (http.${http})`;
      if (callee?.type === 'selector_expression' && IO_METHOD.test(callee.childForFieldName('field')?.text ?? '')) {
        // I/O on a value the function was given or keeps (a parameter, a field): a connection, a stream, a client.
        const operand = unparen(callee.childForFieldName('operand')!);
        const declaration = operand.type === 'identifier' ? file.resolution.resolve(operand) : null;
        const given = operand.type === 'selector_expression' || (declaration?.kind === 'local' && declaration.node.parent?.type === 'parameter_declaration');
        if (given) return `I/O (${callee.text})`;
      }
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
