// unbounded-goroutine-spawn: a `go` statement in a loop over input of
// unknown size (a range over a slice, map or channel, a loop reading
// requests) with nothing limiting how many goroutines are alive at once.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { goCall, joinedAfterLoop, longLivedWorker, loopBound, onlyReleases, producerConsumedInIteration, semaphoreMayDeadlock, spawnIsBounded, spawnIsJoined } from '../engine/goroutines';
import { freeName } from '../engine/names';
import { enclosingLoop, indentationAt, statementsOf, unparen } from '../engine/syntax';
import { insertLineBefore } from '../ruleapi/edits';
import type { Fix, Rule } from '../ruleapi/rule';

export const unboundedGoroutineSpawn: Rule = {
  id: 'unbounded-goroutine-spawn',
  category: 'goroutine',
  defaultSeverity: 'warning',
  optIn: true,
  summary: 'A loop over input of unknown size starts a goroutine per iteration with nothing limiting how many run at once.',
  nodeTypes: ['go_statement'],
  tokens: ['go '],
  visit(goStatement, context) {
    const { file } = context;
    // One goroutine per test case is the norm in tests.
    if (file.isTestFile) return;
    const loop = enclosingLoop(goStatement);
    if (!loop) return;
    const bound = loopBound(file, loop);
    if (bound === 'bounded' || bound === 'unknown') return;
    if (spawnIsBounded(file, loop, goStatement, bound !== 'input' && bound !== 'stream')) return;
    // A fan-out joined with a WaitGroup, or collected right after the loop, is sized by its input on purpose.
    if ((bound === 'input' || bound === 'stream') && (spawnIsJoined(file, loop, goStatement) || joinedAfterLoop(loop))) return;
    // One long-lived worker per configured entity, a fire-and-forget release, a producer the iteration consumes.
    if (longLivedWorker(file, loop, goStatement) || onlyReleases(goStatement) || producerConsumedInIteration(file, loop, goStatement)) return;
    const call = goCall(goStatement);
    const callee = call?.childForFieldName('function');
    if (!call || !callee) return;
    const literal = unparen(callee).type === 'func_literal' ? unparen(callee) : null;
    const message =
      bound === 'accept'
        ? 'one goroutine per accepted connection with no limit: a flood of connections starts as many goroutines, each with its own stack and buffers, until memory or file descriptors run out'
        : bound === 'reader' || bound === 'stream'
          ? `one goroutine per ${bound === 'stream' ? 'value received' : 'request read'} with no limit: when they arrive faster than they are handled, goroutines pile up until memory runs out`
          : 'one goroutine per element with nothing limiting how many run at once: a large input starts that many goroutines together, exhausting memory or the resources they use';
    context.report({
      start: goStatement.startIndex,
      end: literal ? literal.startIndex + 4 : callee.endIndex,
      message,
      severity: bound === 'accept' || bound === 'input' ? 'hint' : undefined,
      // Not offered where a full semaphore would deadlock: goroutines that run forever or send to a channel.
      fixes: literal && !semaphoreMayDeadlock(file, goStatement) ? semaphoreFix(file, loop, goStatement, literal) : [],
    });
  },
};

/**
 * `const maxConcurrent = 8` and `sem := make(chan struct{}, maxConcurrent)`
 * before the loop, `sem <- struct{}{}` before `go`, `defer func() { <-sem
 * }()` first in the goroutine. Not preferred: it throttles the loop, and 8
 * is a guess the author must tune.
 */
function semaphoreFix(file: GoFile, loop: Node, goStatement: Node, literal: Node): Fix[] {
  const outer = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
  if (outer.parent?.type !== 'statement_list' || goStatement.parent?.type !== 'statement_list') return [];
  const body = literal.childForFieldName('body');
  const first = body ? statementsOf(body)[0] : undefined;
  if (!body || !first || first.startPosition.row === body.startPosition.row) return [];
  const limit = freeName(file, loop, 'maxConcurrent');
  let sem = freeName(file, loop, 'sem');
  if (sem === limit) sem = `${sem}2`;
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  const indentation = indentationAt(file.text, outer.startIndex);
  return [
    {
      title: `Limit the goroutines to ${limit} at a time with a semaphore`,
      edits: [
        insertLineBefore(file.text, outer, `const ${limit} = 8${newline}${indentation}${sem} := make(chan struct{}, ${limit})`),
        insertLineBefore(file.text, goStatement, `${sem} <- struct{}{}`),
        insertLineBefore(file.text, first, `defer func() { <-${sem} }()`),
      ],
    },
  ];
}

