// time-after-in-loop: `for { select { case <-ch: ... case <-time.After(d): } }`
// makes a new timer every time the select runs; when another case wins, the
// timer stays pending (before Go 1.23, in memory) until it fires.
import { goVersionAtLeast } from '../engine/gomod';
import { cfgNodes, reachableFrom } from '../engine/reach';
import { enclosingFunction, unparen } from '../engine/syntax';
import type { Rule } from '../ruleapi/rule';

export const timeAfterInLoop: Rule = {
  id: 'time-after-in-loop',
  category: 'timer',
  defaultSeverity: 'warning',
  summary: 'time.After in a select that runs again after another case wins: every run leaves a pending timer behind.',
  nodeTypes: ['call_expression'],
  tokens: ['After('],
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

    const modern = goVersionAtLeast(file.goVersion, 1, 23);
    const args = call.childForFieldName('arguments');
    const what = `${callee.text}${args?.text ?? '()'}`;
    context.report({
      start: call.startIndex,
      end: call.endIndex,
      message: modern
        ? `${what} makes a new timer each time this select runs in the loop; one time.NewTimer reset each iteration would avoid the allocations`
        : `${what} makes a new timer each time this select runs in the loop, and when another case wins the timer stays in memory until it fires (before Go 1.23): a busy loop piles up pending timers`,
      severity: modern ? 'information' : undefined,
    });
  },
};
