// goroutine-leak-send: a goroutine sends on an unbuffered channel made by the
// function that starts it, and the function can return (or stop receiving)
// before it receives that value: the send blocks forever and the goroutine
// leaks with everything it references.
import type { Node } from 'web-tree-sitter';
import {
  channelsOperatedOn,
  channelUses,
  drainedUntilClosed,
  exitsAvoiding,
  isTestFailureExit,
  isInLoopWithin,
  isLengthQuery,
  functionDisplayName,
  goroutineLiteral,
  isMainMain,
  isSliceOrMap,
  atMostOneOnEachPath,
  localChannel,
  type ChannelUse,
  type LocalChannel,
} from '../engine/channels';
import type { GoFile } from '../engine/file';
import { goroutineParameterSends, type ChannelParameterSend } from '../engine/channel-parameters';
import { abandoningWaits, doneParameterGuard, type DoneGuard } from '../engine/futures';
import { goCall, goroutineClosure } from '../engine/goroutines';
import { earlyExit, selectLoopExit } from '../engine/loops';
import { cfgNodeAt } from '../engine/reach';
import { enclosingFunction, enclosingLoop, inExclusiveBranches, isAncestor, namedChildren, unparen } from '../engine/syntax';
import { relatedPlace } from '../ruleapi/related';
import type { Fix, RelatedLocation, Rule, RuleContext } from '../ruleapi/rule';

const LOCAL_CLOSURE = /:=\s*func\(/;
const GO_CALL = /\bgo\s+\w+\(/;
const GO_NAMED_CALL = /\bgo\s+[\w.]+\(/;

/**
 * Where a goroutine sends: its own send statement (a literal or local
 * closure), or the send of the package function it runs (`go fetch(u, ch)`,
 * in this file or another). The finding's range is the send, or the channel
 * argument of the go statement.
 */
interface Sender {
  start: number;
  end: number;
  /** The send, as the message names it: 'this send', `fetch's send on it`. */
  what: string;
  /** Where the send is, when it is not the finding's range. */
  related: RelatedLocation[];
}

export const goroutineLeakSend: Rule = {
  id: 'goroutine-leak-send',
  category: 'goroutine',
  defaultSeverity: 'information',
  summary: 'A goroutine sends on an unbuffered channel that the function starting it may stop receiving from, so the send blocks forever.',
  nodeTypes: ['go_statement'],
  tokens: ['go func', ':= func(', 'make(chan'],
  // A goroutine from a literal, from a local closure (`worker := func(...) {...}` ... `go worker(x)`), or from a
  // package function given a channel made here (`go fetch(u, ch)`).
  mayFire: (text) => text.includes('go func') || (LOCAL_CLOSURE.test(text) && GO_CALL.test(text)) || (text.includes('make(chan') && GO_NAMED_CALL.test(text)),
  visit(goStatement, context) {
    const { file } = context;
    const literal = goroutineLiteral(goStatement) ?? goroutineClosure(file, goStatement);
    const fn = enclosingFunction(goStatement);
    if (!fn || isMainMain(file, fn)) return;
    if (!literal) {
      // The callee's summary (which may parse the package's other files) only when an argument is an unbuffered channel made here.
      const call = goCall(goStatement);
      const args = call?.childForFieldName('arguments');
      if (!args || !namedChildren(args).some((a) => localChannel(file, unparen(a))?.make.unbuffered)) return;
      for (const sent of goroutineParameterSends(file, call!)) checkNamed(context, goStatement, call!, sent, fn);
      return;
    }
    const body = literal.childForFieldName('body');
    if (!body) return;
    for (const reference of channelsOperatedOn(file, body, 'send')) check(context, goStatement, literal, fn, reference);
  },
};

/**
 * `go fetch(u, ch)` where fetch, a function or method of the package, only
 * sends on that parameter, once (the package model's channel-parameter
 * summary): judged as a literal with that send would be, the finding on the
 * argument and the send shown where it is.
 */
function checkNamed(context: RuleContext, goStatement: Node, call: Node, sent: ChannelParameterSend, fn: Node): void {
  const { file } = context;
  const args = call.childForFieldName('arguments');
  if (!args || args.children.some((c) => c?.type === '...')) return;
  const argument = namedChildren(args)[sent.index];
  const reference = argument ? unparen(argument) : null;
  const channel = reference ? localChannel(file, reference) : null;
  if (!reference || !channel || channel.function.id !== fn.id || !channel.make.unbuffered || channel.make.type.text.startsWith('<-')) return;
  if (channel.statement.startIndex > goStatement.startIndex) return;
  const outside = channelUses(file, channel).filter((u) => u.reference.id !== reference.id);
  if (!outside.every((u) => u.function?.id === fn.id && (u.kind === 'receive' || u.kind === 'range' || isLengthQuery(u)))) return;
  if (drainedUntilClosed(outside, fn)) return;
  const callee = unparen(call.childForFieldName('function')!);
  const calleeName = callee.type === 'selector_expression' ? (callee.childForFieldName('field')?.text ?? callee.text) : callee.text;
  const sender: Sender = {
    start: reference.startIndex,
    end: reference.endIndex,
    what: `the send of ${calleeName} on it`,
    related: [relatedPlace(file, sent.send, `${calleeName} sends on its parameter ${sent.name} here: the goroutine blocks until someone receives`)],
  };
  checkReceives(context, channel, goStatement, sender, outside, fn, reference.text, true);
}

function check(context: RuleContext, goStatement: Node, literal: Node, fn: Node, reference: Node): void {
  const { file } = context;
  const channel = localChannel(file, reference);
  if (!channel || channel.function.id !== fn.id || !channel.make.unbuffered || channel.make.type.text.startsWith('<-')) return;
  if (channel.statement.startIndex > goStatement.startIndex) return;
  // A close on the branch that does not start the goroutine (`if tcp { go func() { ... }() } else { close(ch) }`) stands in for it.
  const uses = channelUses(file, channel).filter((u) => !(u.kind === 'close' && inExclusiveBranches(u.operation, goStatement)));
  const inside = uses.filter((u) => isAncestor(literal, u.reference));
  const outside = uses.filter((u) => !isAncestor(literal, u.reference));
  // The goroutine only sends (and may close); the function only receives.
  if (!inside.every((u) => (u.kind === 'send' || u.kind === 'close') && u.function?.id === literal.id)) return;
  // Or only returns it (a future: the callers receive the one result; a generator: they range over the values).
  const returned = outside.length > 0 && outside.every((u) => isReturnedBy(u, fn));
  if (!returned && !outside.every((u) => u.function?.id === fn.id && (u.kind === 'receive' || u.kind === 'range' || isLengthQuery(u)))) return;
  const sends = inside.filter((u) => u.kind === 'send');
  if (sends.length === 0) return;
  // A send that can take another way out (ctx.Done(), default) does not block forever, unless that way is the end
  // of a context its caller passed and cannot cancel.
  if (sends.some((u) => u.hasAlternative)) {
    const guard = returned ? doneParameterGuard(file, fn, sends.map((u) => u.operation)) : null;
    if (!guard) return;
    const shape = atMostOneOnEachPath(file, literal, sends.map((u) => u.operation)) ? 'future' : 'generator';
    return checkReturned(context, channel, goStatement, sends[0], fn, reference.text, shape, guard);
  }
  // Each run of the goroutine sends at most once (`if err != nil { ch <- err; return }; ch <- v`; in a loop, the send
  // leaves it: `for { if _, err := s.Recv(); err != nil { stop <- true; break } }`).
  const once = atMostOneOnEachPath(file, literal, sends.map((u) => u.operation));
  if (returned && !once) return checkReturned(context, channel, goStatement, sends[0], fn, reference.text, 'generator');
  if (!once) return;
  const send = sends[0];
  if (returned) return checkReturned(context, channel, goStatement, send, fn, reference.text, 'future');
  if (sends.every((u) => skippedOnShutdown(u.operation, literal, fn)) || drainedUntilClosed(outside, fn)) return;
  const sender: Sender = { start: send.operation.startIndex, end: send.operation.endIndex, what: 'this send', related: [] };
  // A closure started by several go statements may have more goroutines in flight than one buffer slot holds.
  checkReceives(context, channel, goStatement, sender, outside, fn, reference.text, startedOnce(file, goStatement, literal));
}

/**
 * The starter's receives of the goroutine's one value: a loop starting a
 * goroutine per iteration with one receive, an event loop, or paths to the
 * function's exit that skip every receive.
 */
function checkReceives(context: RuleContext, channel: LocalChannel, goStatement: Node, sender: Sender, outside: ChannelUse[], fn: Node, name: string, fixable: boolean): void {
  const { file } = context;
  const receives = outside.filter((u) => u.kind === 'receive' || u.kind === 'range');
  const loop = loopAround(goStatement, channel);
  if (loop) return checkLoop(context, channel, loop, sender, receives, fn, name);

  const graph = file.cfg(fn);
  const start = graph ? cfgNodeAt(graph, goStatement) : undefined;
  if (!graph || !start) return;
  // The other cases of a select that receives the channel, taken on the way out.
  const otherCases: Node[] = [];
  const selects = new Set(receives.map((r) => r.selectCase?.parent?.id).filter((id) => id !== undefined));
  const exits = exitsAvoiding(
    graph,
    start,
    (n) => {
      const syntax = n.syntax;
      if (!syntax) return false;
      if (syntax.id === channel.statement.id) return true;
      return receives.some((r) => isAncestor(syntax, r.operation));
    },
    (n) => {
      const clause = n.syntax?.parent;
      if (n.kind === 'header' && clause?.type === 'communication_case' && clause.childForFieldName('communication')?.id === n.syntax!.id && clause.parent && selects.has(clause.parent.id)) {
        otherCases.push(n.syntax!);
      }
    },
  );
  // Exits after a recorded test failure leak only in a failing test.
  const leakingExits = exits.filter((exit) => !isTestFailureExit(exit));
  if (leakingExits.length === 0) return;
  exits.splice(0, exits.length, ...leakingExits);
  const related: RelatedLocation[] = otherCases.map((c) => ({ start: c.startIndex, end: c.endIndex, message: `when this case is chosen, ${name} is never received from` }));
  for (const exit of exits) related.push(exitLocation(exit, name));
  related.sort((a, b) => a.start - b.start);
  const fnName = functionDisplayName(fn);
  context.report({
    start: sender.start,
    end: sender.end,
    message: `${name} is unbuffered and ${fnName} can return without receiving from it, so ${sender.what} blocks forever and the goroutine leaks`,
    related: [...sender.related, ...related],
    fixes: fixable ? capacityFix(channel, '1', `Give ${name} a buffer of 1`) : [],
    severity: shownByDefault(file),
  });
}

/** The goroutine's function is the go statement's own literal, or a closure no other go statement starts. */
function startedOnce(file: GoFile, goStatement: Node, literal: Node): boolean {
  if (isAncestor(goStatement, literal)) return true;
  const callee = goCall(goStatement)?.childForFieldName('function');
  const declaration = callee ? file.resolution.resolve(unparen(callee)) : undefined;
  return !!declaration && file.resolution.referencesTo(declaration).length === 1;
}

/**
 * The function returns the channel its goroutine sends on, and a caller of
 * the package may stop receiving: a *future* (one result) waited for in a
 * select with another way out (a timeout, ctx.Done()), or a *generator*
 * (values sent in a loop) whose range a caller leaves early; or the channel
 * is thrown away. The send then blocks forever. The buffer fix only for a
 * future: a buffer of one holds its one result, while for a generator it
 * only postpones the block (its send should select on a done channel or the
 * caller's context).
 *
 * With `guard`, the send also waits for `<-ctx.Done()` of the function's
 * context parameter at that index: only callers that pass a context they
 * cannot cancel (context.Background(), or their own context parameter) leave
 * the goroutine blocked, forever or until their context ends. No fix here:
 * the caller should derive a context it cancels when it stops receiving.
 */
function checkReturned(context: RuleContext, channel: LocalChannel, goStatement: Node, send: ChannelUse, fn: Node, name: string, shape: 'future' | 'generator', guard?: DoneGuard): void {
  const { file } = context;
  if (loopAround(goStatement, channel)) return;
  // A future's caller that ranges receives its one value; a generator's caller waiting in a select takes each value as it comes.
  const waits = abandoningWaits(file, fn).filter((w) => w.kind !== (shape === 'future' ? 'range' : 'select') && (guard === undefined || w.uncancelled?.[guard.index]));
  if (waits.length === 0) return;
  const fnName = functionDisplayName(fn);
  const stops = shape === 'future' ? 'may stop waiting for it (a select with another case)' : 'may stop ranging over it early';
  const related = waits.map((w) => {
    const passed = guard === undefined ? '' : w.uncancelled![guard.index] === 'empty' ? ': the context passed is never cancelled, so the goroutine blocks forever' : ": the context passed is the caller's own, which it does not cancel here, so the goroutine blocks until that context ends";
    return relatedPlace(
      file,
      w.place,
      (w.kind === 'dropped'
        ? `the channel ${fnName} returns is thrown away here: nothing receives from it`
        : w.kind === 'select'
          ? `when this case is chosen, the channel ${fnName} returned is never received from`
          : `this leaves the range over the channel ${fnName} returns while its goroutine may still send`) + passed,
    );
  });
  const how = waits.every((w) => w.kind === 'dropped') ? 'throw it away' : waits.some((w) => w.kind === 'dropped') ? `${stops.replace(/ \(.*\)$/, '')} or throw it away` : stops;
  context.report({
    start: send.operation.startIndex,
    end: send.operation.endIndex,
    message:
      guard !== undefined
        ? `this send waits only for ${guard.name}.Done(), and ${fnName} returns ${name} to callers that ${how} without cancelling the context they pass, so the goroutine stays blocked until that context ends`
        : shape === 'future'
          ? `${name} is unbuffered and ${fnName} returns it to callers that ${how}, so this send can block forever and the goroutine leak`
          : `${name} is unbuffered and ${fnName} returns it to callers that ${how}, so this send blocks forever once they stop and the goroutine leaks`,
    related,
    fixes: shape === 'future' && guard === undefined ? capacityFix(channel, '1', `Give ${name} a buffer of 1`) : [],
    severity: shownByDefault(file),
  });
}

/** `return ch` (alone or among the results) of the function itself. */
function isReturnedBy(use: ChannelUse, fn: Node): boolean {
  if (use.kind !== 'other' || use.function?.id !== fn.id) return false;
  let n = use.reference;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent?.type === 'expression_list' ? n.parent.parent : n.parent;
  return parent?.type === 'return_statement';
}

/** The `for` loop (inside the function) that starts the goroutine again on each iteration while the channel stays the same. */
function loopAround(goStatement: Node, channel: LocalChannel): Node | null {
  for (let loop = enclosingLoop(goStatement); loop; loop = enclosingLoop(loop)) {
    if (!isAncestor(loop, channel.statement)) return loop;
  }
  return null;
}

/** Goroutines started by a loop, each sending once, and a single receive: every goroutine after the first blocks. */
function checkLoop(context: RuleContext, channel: LocalChannel, loop: Node, sender: Sender, receives: ChannelUse[], fn: Node, name: string): void {
  const { file } = context;
  if (receives.length === 1 && receives[0].selectCase) return checkEventLoop(context, loop, sender, receives[0], fn, name);
  if (receives.length !== 1 || receives[0].kind !== 'receive') return;
  const receive = receives[0];
  if (receive.operation.startIndex < loop.endIndex) return;
  // One receive, or a receive loop (`for i := 0; i < n; i++ { if err := <-errs; err != nil { return err } }`) that can stop early.
  const receiveLoop = isInLoopWithin(receive.operation, fn) ? enclosingLoop(receive.operation) : null;
  const stop = receiveLoop ? stopsEarly(receiveLoop, fn) : null;
  if (receiveLoop && !stop) return;
  const count = iterationCount(file, loop, channel);
  if (count === null && !namedChildren(loop).some((c) => c.type === 'range_clause' || c.type === 'for_clause')) return;
  if (count !== null && /^[01]$/.test(count)) return;
  context.report({
    start: sender.start,
    end: sender.end,
    message: stop
      ? `the loop starts one goroutine per iteration sending on unbuffered ${name}, but the loop receiving from it can stop early, so the goroutines not yet received from block forever on ${sender.what}`
      : `the loop starts one goroutine per iteration sending on unbuffered ${name}, but ${functionDisplayName(fn)} receives only one value, so every other goroutine blocks forever on ${sender.what}`,
    related: [
      ...sender.related,
      stop
        ? { start: stop.startIndex, end: stop.endIndex, message: `this leaves the loop receiving from ${name} while other goroutines may still send` }
        : { start: receive.operation.startIndex, end: receive.operation.endIndex, message: `the only receive from ${name}: the other senders are never received from` },
    ],
    fixes: count === null ? [] : capacityFix(channel, count, `Give ${name} a buffer of ${count}`),
    severity: shownByDefault(file),
  });
}

/**
 * For a bounded loop (a `for` clause or a range) of `fn` that holds the
 * receive and is in no other loop: its first statement that leaves it early.
 */
function stopsEarly(receiveLoop: Node, fn: Node): Node | null {
  if (isInLoopWithin(receiveLoop, fn) || !namedChildren(receiveLoop).some((c) => c.type === 'range_clause' || c.type === 'for_clause')) return null;
  return earlyExit(receiveLoop);
}

/**
 * An event loop, `for { select { ... } }`, starts a goroutine per event that
 * sends its result on the channel, received only in one case of the same
 * select; another case leaves the loop (`case <-s.quit: return`): the
 * goroutines still running then block forever on their send. No fix: no
 * buffer size holds every goroutine in flight; the send should select on
 * the loop's stop signal.
 */
function checkEventLoop(context: RuleContext, loop: Node, sender: Sender, receive: ChannelUse, fn: Node, name: string): void {
  const select = receive.selectCase!.parent;
  if (!select || enclosingLoop(select)?.id !== loop.id) return;
  const exit = selectLoopExit(select, receive.selectCase!);
  if (!exit) return;
  context.report({
    start: sender.start,
    end: sender.end,
    message: `the loop starts a goroutine per iteration sending on unbuffered ${name}, received only in a case of its select; once another case leaves the loop, the goroutines still running block forever on ${sender.what}`,
    related: [...sender.related, { start: exit.startIndex, end: exit.endIndex, message: `when this case is chosen, ${functionDisplayName(fn)} leaves the loop and nothing receives from ${name} any more` }],
    severity: shownByDefault(context.file),
  });
}

/**
 * The number of iterations as an expression valid at the `make`: `len(xs)`
 * for a range over a slice, array or map variable `xs`, `n` for
 * `for i := 0; i < n; i++`, when nothing assigns them between the two.
 */
function iterationCount(file: GoFile, loop: Node, channel: LocalChannel): string | null {
  const clause = namedChildren(loop).find((c) => c.type === 'range_clause' || c.type === 'for_clause');
  if (!clause) return null;
  const untouched = (identifier: Node): boolean => {
    const d = file.resolution.resolve(identifier);
    if (!d) return false;
    if (d.kind === 'package') return true;
    if (d.node.startIndex > channel.statement.startIndex) return false;
    return file.resolution.referencesTo(d).every((r) => r.startIndex < channel.statement.startIndex || r.startIndex >= clause.startIndex);
  };
  if (clause.type === 'range_clause') {
    const right = unparen(clause.childForFieldName('right')!);
    if (right.type !== 'identifier' || !untouched(right) || !isSliceOrMap(file, right)) return null;
    return `len(${right.text})`;
  }
  const init = clause.childForFieldName('initializer');
  const condition = clause.childForFieldName('condition');
  const update = clause.childForFieldName('update');
  if (init?.type !== 'short_var_declaration' || condition?.type !== 'binary_expression' || !update) return null;
  const variable = namedChildren(init.childForFieldName('left')!)[0];
  const start = namedChildren(init.childForFieldName('right')!)[0];
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  const operator = condition.childForFieldName('operator')?.type;
  if (!variable || start?.text !== '0' || operator !== '<' || left?.text !== variable.text || !right) return null;
  if (!/^(\+\+|\+= *1)$/.test(update.text.slice(variable.text.length).trim())) return null;
  if (right.type === 'int_literal') return right.text;
  if (right.type === 'identifier' && untouched(right)) return right.text;
  return null;
}

function capacityFix(channel: LocalChannel, capacity: string, title: string): Fix[] {
  const { make } = channel;
  const edit = make.capacity
    ? { start: make.capacity.startIndex, end: make.capacity.endIndex, newText: capacity }
    : { start: make.type.endIndex, end: make.type.endIndex, newText: `, ${capacity}` };
  return [{ title, edits: [edit], preferred: true }];
}

function exitLocation(exit: Node, name: string): RelatedLocation {
  if (exit.type !== 'return_statement') return { start: exit.endIndex - 1, end: exit.endIndex, message: `the function ends here without receiving from ${name}` };
  return { start: exit.startIndex, end: exit.endIndex, message: `this return is reached without receiving from ${name}` };
}

/**
 * Leaks in tests (a goroutine left blocked mostly when the test already
 * failed), test helpers, examples and programs (a one-shot command exits
 * right after) were judged of no value on the precision corpus: shown only
 * when the rule is configured. Library code runs in long-lived processes.
 */
function shownByDefault(file: GoFile): 'off' | undefined {
  return file.codeKind === 'library' ? undefined : 'off';
}

/**
 * `if err := srv.Serve(l); err != http.ErrServerClosed { errs <- err }` in a
 * function that shuts the server down on its way out (`Shutdown`, `Close`):
 * the serve call then returns ErrServerClosed (or net.ErrClosed) and the
 * goroutine ends without sending.
 */
function skippedOnShutdown(send: Node, literal: Node, fn: Node): boolean {
  for (let n = send.parent; n && n.id !== literal.id; n = n.parent) {
    if (n.type !== 'if_statement' || !/\bErr(Server)?Closed\b/.test(n.childForFieldName('condition')?.text ?? '')) continue;
    return /\.(Shutdown|Close)\(/.test(fn.text.slice(literal.endIndex - fn.startIndex));
  }
  return false;
}
