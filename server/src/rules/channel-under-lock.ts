// channel-under-lock: a send or receive on an unbuffered channel field runs
// while the function holds a mutex, and every function of the package on the
// other side of that channel takes the same mutex before it gets there again:
// when the other side is waiting for the mutex, neither can go on (a
// deadlock).
import type { Node } from 'web-tree-sitter';
import { channelFieldUses, type ChannelFieldUse } from '../engine/channel-fields';
import { selectOf } from '../engine/channels';
import { heldAt, ownerType, type MutexCall } from '../engine/locks';
import { enclosingFunction, topLevelFunction, unparen } from '../engine/syntax';
import { relatedPlace } from '../ruleapi/related';
import type { RelatedLocation, Rule, RuleContext } from '../ruleapi/rule';

const FIELD_OPERATION = /\.\w+\s*<-|<-\s*[\w.]*\.\w+/;

export const channelUnderLock: Rule = {
  id: 'channel-under-lock',
  category: 'sync',
  defaultSeverity: 'warning',
  summary: 'A send or receive on an unbuffered channel field runs while a mutex is held, and the other side of the channel takes the same mutex first: both can block forever.',
  nodeTypes: ['send_statement', 'unary_expression'],
  tokens: ['Lock()'],
  nodeTokens: ['<-'],
  mayFire: (text) => text.includes('Lock()') && FIELD_OPERATION.test(text),
  visit(node, context) {
    const channel = node.type === 'send_statement' ? node.childForFieldName('channel') : node.childForFieldName('operator')?.type === '<-' ? node.childForFieldName('operand') : null;
    const selector = channel ? unparen(channel) : null;
    if (selector?.type !== 'selector_expression') return;
    check(node, selector, node.type === 'send_statement' ? 'send' : 'receive', context);
  },
};

function check(operation: Node, selector: Node, kind: 'send' | 'receive', context: RuleContext): void {
  const { file } = context;
  // A select with another case or a default does not wait on this operation alone.
  if (selectOf(operation).hasAlternative) return;
  const fn = enclosingFunction(operation);
  if (!fn) return;
  // A handoff is not a deadlock: the operation runs only when the other side said, under the mutex, that it waits.
  const held = heldAt(file, fn, operation).filter((lock) => !handoffGuard(operation, lock));
  if (held.length === 0) return;
  // The other side's locks are read from other functions: an edit of one that holds the mutex's name lints this again.
  for (const lock of held) file.dependsOn(lock.key);
  const field = selector.childForFieldName('field')!.text;
  const { uses, buffered, unbuffered, mentionedOtherwise } = channelFieldUses(file, field);
  // Only a channel the package makes without a buffer (a buffered one may have room), handed nowhere else.
  if (buffered || !unbuffered || uses.some((u) => u.kind === 'escape')) return;
  const own = topLevelFunction(operation)?.childForFieldName('name')?.text ?? '';
  const wanted: ChannelFieldUse['kind'][] = kind === 'send' ? ['receive', 'range'] : ['send', 'close'];
  // The same field of the same type (when both owners' types are known: another type may have a field of that name).
  const owner = ownerType(file, selector.childForFieldName('operand')!);
  const partners = uses.filter((u) => wanted.includes(u.kind) && !(u.place.path === file.path && u.functionName === own) && !(owner && u.ownerType && u.ownerType !== owner));
  if (partners.length === 0) return;
  // Every partner locks one of the held mutexes (one side at least exclusively): while it waits for it, it is not at its operation.
  const blocking = (lock: MutexCall) => partners.map((p) => p.takes?.find((t) => t.key === lock.key && (t.exclusive || lock.exclusive)));
  const lock = held.find((l) => blocking(l).every((t) => t));
  if (!lock || mentionedOtherwise()) return;
  const takes = blocking(lock);
  const name = selector.text;
  const mutex = lock.call.childForFieldName('function')!.childForFieldName('operand')!.text;
  const what = kind === 'send' ? 'receives from' : 'sends on or closes';
  const related: RelatedLocation[] = [{ start: lock.call.startIndex, end: lock.call.endIndex, message: `${mutex} is locked here and still held at the ${kind}` }];
  partners.forEach((p, i) => {
    related.push(relatedPlace(file, p.place, `${p.functionName || 'this function'} ${what} ${field} here`));
    related.push(relatedPlace(file, takes[i]!.place, `and locks the same mutex here: while it waits for it, it is not at its ${kind === 'send' ? 'receive' : 'send'} and the ${kind} cannot complete`));
  });
  context.report({
    start: operation.startIndex,
    end: operation.endIndex,
    message: `${name} is unbuffered and this ${kind} waits while ${mutex} is held, but every function that ${what} ${field} also locks ${mutex}: when one is waiting for the lock, both block forever`,
    related,
  });
}

/**
 * The operation is inside an `if` (below the lock) that reads a count of the
 * mutex's owner: `if p.need > 0 { p.need--; p.spare <- id }`, `if
 * len(s.waiters) > 0`. The other side increments that count under the mutex
 * before it releases the mutex and waits, so the operation finds it waiting.
 */
function handoffGuard(operation: Node, lock: MutexCall): boolean {
  const owner = rootOwner(lock.call);
  if (!owner) return false;
  // Someone is counted as waiting: `p.need > 0`, `len(s.waiters) != 0`, `>= 1` (not `len(t.streams) < 1`: no one is).
  const counted = new RegExp(`(\\b${owner}\\.[\\w.]+|\\blen\\(\\s*${owner}\\.[\\w.]+\\s*\\))\\s*(>\\s*0|!=\\s*0|>=\\s*1)\\b`);
  for (let n = operation.parent; n && n.id !== lock.call.parent?.parent?.id; n = n.parent) {
    if (n.type === 'if_statement' && counted.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** The name a mutex call starts from: `p` of `p.Lock()` and of `p.mu.Lock()`. */
function rootOwner(call: Node): string | null {
  let n = call.childForFieldName('function')?.childForFieldName('operand') ?? null;
  while (n?.type === 'selector_expression') n = n.childForFieldName('operand');
  return n?.type === 'identifier' ? n.text : null;
}
