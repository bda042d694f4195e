// send-to-stopped-workers: a function feeds a channel it made to worker
// goroutines that range over it, and every worker can return before the
// channel is closed (on an error, on cancellation): once they all have,
// nobody receives, and the function blocks forever on its next send (with
// the workers' group never waited for).
import type { Node } from 'web-tree-sitter';
import { bufferSizedToInput, channelUses, isInLoopWithin, isLengthQuery, localChannel, workerLiteral, type ChannelUse } from '../engine/channels';
import { loopJumps } from '../engine/loops';
import { unparen } from '../engine/syntax';
import type { RelatedLocation, Rule } from '../ruleapi/rule';

const MAKES_CHANNEL = /\bmake\(\s*chan\b/;
const STARTS_WORKER = /\bgo\s+func\b|\.Go\(\s*func\b/;

export const sendToStoppedWorkers: Rule = {
  id: 'send-to-stopped-workers',
  category: 'goroutine',
  defaultSeverity: 'warning',
  summary: 'A function sends on a channel whose only receivers are worker goroutines that can return before it is closed: once they have, the send blocks forever.',
  nodeTypes: ['send_statement'],
  tokens: ['chan'],
  // A channel made with `make(chan ...)` and a worker started from a function literal (`go func`, `g.Go(func`).
  mayFire: (text) => MAKES_CHANNEL.test(text) && STARTS_WORKER.test(text),
  visit(send, context) {
    const { file } = context;
    const reference = unparen(send.childForFieldName('channel')!);
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

