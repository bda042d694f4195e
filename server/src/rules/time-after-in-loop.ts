// time-after-in-loop: `for { select { case <-ch: ... case <-time.After(d): } }`
// makes a new timer every time the select runs; when another case wins, the
// timer stays pending (before Go 1.23, in memory) until it fires.
import { goVersionAtLeast } from '../engine/gomod';
import { cfgNodes, reachableFrom } from '../engine/reach';
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { enclosingFunction, enclosingLoop, isAncestor, statementsOf, unparen } from '../engine/syntax';
import type { Rule } from '../ruleapi/rule';

export const timeAfterInLoop: Rule = {
  id: 'time-after-in-loop',
  category: 'timer',
  defaultSeverity: 'warning',
  summary: 'time.After in a select that runs again after another case wins: every run leaves a pending timer behind.',
  nodeTypes: ['call_expression'],
  tokens: ['After('],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['After'],
  visit(call, context) {
    const { file } = context;
    // Tests run their loops a few times in a short-lived process: the pending timers do not matter there.
    if (file.isTestFile) return;
    const callee = call.childForFieldName('function');
    if (!callee || file.packageMember(callee, 'time') !== 'After') return;
    // case <-time.After(d):  or  case v := <-time.After(d):
    let receive = call.parent;
    while (receive?.type === 'parenthesized_expression') receive = receive.parent;
    if (receive?.type !== 'unary_expression' || receive.child(0)?.type !== '<-') return;
    const statement = receive.parent;
    if (statement?.type !== 'receive_statement' || unparen(statement.childForFieldName('right')!).id !== receive.id) return;
    const clause = statement.parent;
    if (clause?.type !== 'communication_case' || clause.childForFieldName('communication')?.id !== statement.id) return;
    const fn = enclosingFunction(clause);
    const graph = fn ? file.cfg(fn) : undefined;
    const timerCase = graph?.nodeOf(statement);
    if (!graph || !timerCase) return;
    // The select is the node that branches to this case; does another of its branches come back to it?
    const select = cfgNodes(graph).find((n) => n.succs.includes(timerCase));
    if (!select) return;
    const others = select.succs.filter((s) => s !== timerCase);
    if (!reachableFrom(others).includes(timerCase)) return;
    if (isCancellableSleep(file, clause)) return;

    const modern = goVersionAtLeast(file.goVersion, 1, 23);
    const args = call.childForFieldName('arguments');
    const what = `${callee.text}${args?.text ?? '()'}`;
    context.report({
      start: call.startIndex,
      end: call.endIndex,
      message: modern
        ? `${what} makes a new timer each time this select runs in the loop; one time.NewTimer reset each iteration would avoid the allocations`
        : `${what} makes a new timer each time this select runs in the loop, and when another case wins the timer stays in memory until it fires (before Go 1.23): a busy loop piles up pending timers`,
      // From Go 1.23 an unreferenced timer is collected: the cost is an allocation, judged of no value at every site of
      // the precision corpus (17 of 17). Shown only when the rule is configured.
      severity: modern ? 'off' : undefined,
    });
  },
};

/**
 * A sleep that can be cut short: the select's only other case receives the
 * stop signal (`<-ctx.Done()`, `<-stop`), and the loop checks that same
 * signal first thing on the next iteration (its condition, or its first
 * statement), so the loop ends right after and at most one timer is pending.
 */
function isCancellableSleep(file: GoFile, timerClause: Node): boolean {
  const select = timerClause.parent?.type === 'select_statement' ? timerClause.parent : timerClause.parent?.parent;
  if (select?.type !== 'select_statement') return false;
  const cases = select.namedChildren.filter((c): c is Node => c?.type === 'communication_case' || c?.type === 'default_case');
  if (cases.length !== 2) return false;
  const other = cases.find((c) => c.id !== timerClause.id)!;
  const communication = other.childForFieldName('communication');
  const received = communication?.type === 'receive_statement' ? unparen(communication.childForFieldName('right')!) : communication;
  if (received?.type !== 'unary_expression' || received.child(0)?.type !== '<-') return false;
  const channel = unparen(received.namedChild(0)!).text;
  const loop = enclosingLoop(select);
  const body = loop?.childForFieldName('body');
  if (!loop || !body) return false;
  const first = statementsOf(body)[0];
  const header = file.text.slice(loop.startIndex, body.startIndex) + (first && !isAncestor(first, select) ? first.text : '');
  const signals = [channel, channel.replace(/\.Done\(\)$/, '.Err()')].map((signal) => new RegExp(`(?<![\\w.])${signal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`));
  return signals.some((signal) => signal.test(header));
}
