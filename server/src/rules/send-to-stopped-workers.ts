// send-to-stopped-workers: a function feeds a channel it made to worker
// goroutines that range over it, and every worker can return before the
// channel is closed (on an error, on cancellation): once they all have,
// nobody receives, and the function blocks forever on its next send (with
// the workers' group never waited for).
import type { Node } from 'web-tree-sitter';
import { bufferSizedToInput, channelUses, isInLoopWithin, isLengthQuery, localChannel, selectOf, workerLiteral, type ChannelUse } from '../engine/channels';
import { loopJumps } from '../engine/loops';
import { channelFieldUses } from '../engine/channel-fields';
import { fieldTypesNamed } from '../engine/declared-types';
import { replyWaits } from '../engine/replies';
import { isAncestor, topLevelFunction, unparen } from '../engine/syntax';
import { relatedPlace } from '../ruleapi/related';
import type { RelatedLocation, Rule, RuleContext } from '../ruleapi/rule';

const MAKES_CHANNEL = /\bmake\(\s*chan\b/;
const STARTS_WORKER = /\bgo\s+func\b|\.Go\(\s*func\b/;
const FIELD_SEND = /\.\w+\s*<-/;

export const sendToStoppedWorkers: Rule = {
  id: 'send-to-stopped-workers',
  category: 'goroutine',
  defaultSeverity: 'warning',
  summary: 'A function sends on a channel whose only receivers are worker goroutines that can return before it is closed: once they have, the send blocks forever.',
  nodeTypes: ['send_statement'],
  // Every send holds `<-`; a file sending on a field made elsewhere need not say `chan`.
  tokens: ['<-'],
  // A channel made with `make(chan ...)` and a worker started from a function literal (`go func`, `g.Go(func`), or,
  // when the rule is configured, a send on a field.
  mayFire: (text, _path, _packages, configured) => (MAKES_CHANNEL.test(text) && STARTS_WORKER.test(text)) || (configured && FIELD_SEND.test(text)),
  visit(send, context) {
    const { file } = context;
    const reference = unparen(send.childForFieldName('channel')!);
    // Channel fields: shown only when the rule is configured, so worked out only then (they read the whole package).
    if (reference.type === 'selector_expression') return context.configured ? checkFieldSend(send, reference, context) : undefined;
    const channel = localChannel(file, reference);
    if (!channel || !isInLoopWithin(send, channel.function)) return;
    // A buffer sized to the input (`make(chan T, len(items))`, `n := len(items)`) holds every value.
    if (bufferSizedToInput(file, channel.make)) return;
    const uses = channelUses(file, channel);
    const own = uses.find((u) => u.operation.id === send.id);
    if (!own || own.function?.id !== channel.function.id || own.hasAlternative) return;
    // The function only sends (and closes); the workers only range over the channel.
    const ranges: ChannelUse[] = [];
    for (const use of uses) {
      if (use.kind === 'send' && use.function?.id === channel.function.id && !use.hasAlternative) continue;
      if (use.kind === 'close' || isLengthQuery(use)) continue;
      if (use.kind !== 'range' || !workerLiteral(use.function)) return;
      ranges.push(use);
    }
    if (ranges.length === 0) return;
    // Every worker's loop can be left before the channel is drained.
    const exits: Node[] = [];
    for (const range of ranges) {
      const loop = range.operation.parent!;
      const early = loopJumps(loop).find((j) => j.kind === 'return' || j.kind === 'break' || j.kind === 'goto' || j.kind === 'outer');
      if (!early) return;
      exits.push(early.node);
    }
    const name = reference.text;
    const related: RelatedLocation[] = exits.map((exit) => ({
      start: exit.startIndex,
      end: exit.endIndex,
      message: `a worker leaves its range over ${name} here, before ${name} is closed`,
    }));
    context.report({
      start: send.startIndex,
      end: send.endIndex,
      message: `this send blocks forever once every worker ranging over ${name} has returned early (see the related locations): nothing else receives from ${name}; select on a context the workers cancel, or keep the workers draining ${name}`,
      related,
    });
  },
};

/**
 * `s.f <- v` on a channel field whose every receive in the package is in
 * the select of an endless loop that can stop (`for { select { case v :=
 * <-s.f: ...; case <-s.quit: return } }`): once that loop has returned,
 * this send blocks forever. Silent when the field is made with a buffer,
 * ranged over, closed or handed on anywhere in the package, when several
 * structs of the package declare a channel field of that name, and when the
 * sender guards the send (a lock, or a test of a closed/stopped state first).
 */
function checkFieldSend(send: Node, channel: Node, context: RuleContext): void {
  const { file } = context;
  const field = channel.childForFieldName('field')?.text;
  if (!field || selectOf(send).hasAlternative) return;
  const declared = fieldTypesNamed(file, field);
  if (declared.length !== 1 || declared[0].literal !== 'chan') return;
  const sender = topLevelFunction(send);
  if (!sender || guardsSend(sender, send)) return;
  const { uses, buffered, mentionedOtherwise } = channelFieldUses(file, field);
  const senderName = sender.childForFieldName('name')?.text ?? '';
  // The sender closing the field when it is done sending (`defer close(c.requests)`) does not end its own wait.
  const receives = uses.filter((u) => u.kind !== 'send' && !(u.kind === 'close' && u.functionName === senderName && senderName !== ''));
  if (buffered) return;
  if (receives.length === 0) return checkReplySend(send, channel, field, context, mentionedOtherwise);
  if (!receives.every((u) => u.kind === 'receive' && u.exitCase)) return;
  if (receives.some((u) => u.functionName === senderName) || mentionedOtherwise()) return;
  const loops = [...new Set(receives.map((u) => u.functionName))].join(', ');
  context.report({
    start: send.startIndex,
    end: send.endIndex,
    message: `this send blocks forever once the loop receiving from ${channel.text} (in ${loops}) has stopped: nothing else receives from ${field}; select on the same stop signal, or make the loop drain ${field}`,
    related: receives.map((u) => relatedPlace(file, u.exitCase!, `the loop receiving from ${field} stops when this case is chosen`)),
    // Mostly a send after shutdown (a loop that lives as long as the process, a test's loop): 2 of 28 corpus
    // findings were worth a change. Shown when the rule is configured (and only then computed).
    severity: 'off',
  });
}

/**
 * `req.reply <- v` where no code of the package receives from the field,
 * and the channels stored in it are made by requesters that wait for the
 * reply in a select another case can win (`&request{reply: ch}` ... `select
 * { case err := <-ch: ...; case <-ctx.Done(): return }`): once a requester
 * has stopped waiting, this reply blocks forever.
 */
function checkReplySend(send: Node, channel: Node, field: string, context: RuleContext, mentionedOtherwise: () => boolean): void {
  const waits = replyWaits(context.file, field);
  const abandoning = waits.filter((w) => w.abandon);
  if (abandoning.length === 0 || mentionedOtherwise()) return;
  context.report({
    start: send.startIndex,
    end: send.endIndex,
    message: `this reply on ${channel.text} blocks forever once the requester that made the channel has stopped waiting for it: nothing else receives from ${field}; make the reply channel with a buffer of 1 where it is made, or select here on a stop signal`,
    related: abandoning.map((w) => relatedPlace(context.file, w.abandon!, `the requester stops waiting for the reply on ${field} when this case is chosen`)),
    severity: 'off',
  });
}

const STATE_CHECK = /closed|closing|stopped|stopping|shutdown|done|quit|running|started|alive/i;
const LOCKS = /\.(R?Lock)\(\)/;

/** The sender takes a lock, or tests a closed/stopped state, before the send: it may know the loop still runs. */
function guardsSend(sender: Node, send: Node): boolean {
  const before = sender.text.slice(0, send.startIndex - sender.startIndex);
  if (LOCKS.test(before)) return true;
  return sender.descendantsOfType('if_statement').some((s) => !!s && s.startIndex < send.startIndex && !isAncestor(s, send) && STATE_CHECK.test(s.childForFieldName('condition')?.text ?? ''));
}

