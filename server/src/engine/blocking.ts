// What blocks the running goroutine, as far as syntax shows it: channel
// receives and sends, a select without a default case, time.Sleep, and the
// argument-less Wait() of sync.WaitGroup, sync.Cond and exec.Cmd.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { isFunction, namedChildren } from './syntax';

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
  const found: BlockingOperation[] = [];
  // Its own stack, in source order, rather than recursion: deeply nested code cannot overflow the call stack.
  const stack: Node[] = [root];
  const pushAll = (nodes: readonly Node[]) => {
    for (let i = nodes.length - 1; i >= 0; i--) stack.push(nodes[i]);
  };
  while (stack.length) {
    const node = stack.pop()!;
    if (node.id !== root.id && isFunction(node)) continue;
    switch (node.type) {
      case 'select_statement': {
        if (!selectHasDefault(node)) found.push({ node, description: 'a select without a default case' });
        const next: Node[] = [];
        for (const clause of namedChildren(node)) {
          const communication = clause.childForFieldName('communication');
          for (const child of namedChildren(clause)) {
            // Of the communication, only its operands, not the communication itself.
            if (child.id === communication?.id) next.push(...namedChildren(child).filter((part) => !isReceive(part)));
            else next.push(child);
          }
        }
        pushAll(next);
        continue;
      }
      case 'send_statement':
        found.push({ node, description: 'a channel send' });
        break;
      case 'unary_expression':
        if (isReceive(node)) found.push({ node, description: 'a channel receive' });
        break;
      case 'call_expression': {
        const callee = node.childForFieldName('function');
        const args = node.childForFieldName('arguments');
        if (callee && file.packageMember(callee, 'time') === 'Sleep') found.push({ node, description: 'time.Sleep' });
        else if (callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Wait' && args && namedChildren(args).length === 0) {
          const operand = callee.childForFieldName('operand');
          if (!(operand?.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import')) found.push({ node, description: `${callee.text}()` });
        }
        break;
      }
    }
    pushAll(namedChildren(node));
  }
  return found;
}
