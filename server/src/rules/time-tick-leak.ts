// time-tick-leak: time.Tick in a function that returns leaves a ticker that
// nothing can stop, and so does a time.NewTicker the function never stops;
// before Go 1.23 it is never collected either.
import type { Node } from 'web-tree-sitter';
import type { CfgNode, ControlFlowGraph } from '../engine/cfg';
import type { GoFile } from '../engine/file';
import { goVersionAtLeast } from '../engine/gomod';
import { loopJumps } from '../engine/loops';
import { freeName } from '../engine/names';
import { cfgNodeAt, reachableFrom } from '../engine/reach';
import { enclosingFunction, indentationAt, isInsideLoop, topLevelFunction, unparen } from '../engine/syntax';
import { insertLineAfter } from '../ruleapi/edits';
import type { Fix, Rule, RuleContext } from '../ruleapi/rule';

export const timeTickLeak: Rule = {
  id: 'time-tick-leak',
  category: 'timer',
  defaultSeverity: 'warning',
  peers: [{ linter: 'staticcheck', checks: ['SA1015'] }],
  summary: 'time.Tick, or a time.NewTicker never stopped, in a function that can return: the ticker runs on (before Go 1.23, never collected).',
  nodeTypes: ['call_expression'],
  tokens: ['Tick(', 'NewTicker('],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['Tick'],
  visit(call, context) {
    const { file } = context;
    // Go 1.23 collects unreferenced tickers; an unknown version counts as the newest.
    if (goVersionAtLeast(file.goVersion, 1, 23) || file.isTestFile) return;
    const callee = call.childForFieldName('function');
    const member = callee ? file.packageMember(callee, 'time') : null;
    if (!callee || (member !== 'Tick' && member !== 'NewTicker')) return;
    const top = topLevelFunction(call);
    if (!top) return; // package-level: one ticker for the life of the program
    const topName = top.type === 'function_declaration' ? top.childForFieldName('name')?.text : undefined;
    if (topName === 'init' || (topName === 'main' && file.packageName === 'main')) return;
    const fn = enclosingFunction(call)!;
    const graph = file.cfg(fn);
    const at = graph && cfgNodeAt(graph, call);
    if (!graph || !at) return;
    const channel = tickChannel(call);
    if (member === 'NewTicker') return checkNewTicker(context, call, callee, channel, graph, at);
    // `for range tick` never ends by itself: the channel is never closed.
    const endlessRange = (node: { syntax: Node | null }) => {
      const syntax = node.syntax;
      if (syntax?.type !== 'range_clause') return false;
      const loop = syntax.parent!;
      if (loopJumps(loop).some((j) => j.kind !== 'continue')) return false;
      const right = syntax.childForFieldName('right');
      return !!right && (unparen(right).id === call.id || (!!channel && isReference(file, right, channel)));
    };
    const reachable = reachableFrom([at], (node, index) => index === 1 && endlessRange(node));
    if (!reachable.includes(graph.exit)) return;
    context.report({
      start: call.startIndex,
      end: call.endIndex,
      message: `${callee.text} starts a ticker that can never be stopped: it keeps running after this function returns, and before Go 1.23 it is never garbage collected`,
      fixes: tickerFix(file, call, callee, channel),
      // A program's ticker lives as long as the process does anyway (judged of no value on the corpus).
      severity: file.codeKind === 'library' ? undefined : 'off',
    });
  },
};

/**
 * `t := time.NewTicker(d)` where nothing ever calls `t.Stop()`, `t` is used
 * only for its channel (`<-t.C`, `range t.C`, `c = t.C`) and `Reset`, and
 * the function can return: the ticker runs on. A ticker handed on (returned,
 * stored, passed) may be stopped by its new owner.
 */
function checkNewTicker(context: RuleContext, call: Node, callee: Node, ticker: Node | null, graph: ControlFlowGraph, at: CfgNode): void {
  const { file } = context;
  const declaration = ticker && ticker.text !== '_' ? file.resolution.resolve(ticker) : undefined;
  if (!ticker || !declaration) return;
  const uses = file.resolution.referencesTo(declaration);
  for (const use of uses) {
    const selector = use.parent?.type === 'selector_expression' && use.parent.childForFieldName('operand')?.id === use.id ? use.parent : null;
    const field = selector?.childForFieldName('field')?.text;
    if (field === 'Stop') return;
    if (field === 'Reset' && selector!.parent?.type === 'call_expression') continue;
    if (field !== 'C' || !onlyReceived(selector!)) return;
  }
  // An endless `for range t.C` never lets the function return.
  const endlessRange = (node: { syntax: Node | null }) => {
    const syntax = node.syntax;
    if (syntax?.type !== 'range_clause') return false;
    const right = syntax.childForFieldName('right');
    const channel = right ? unparen(right) : null;
    return channel?.type === 'selector_expression' && isReference(file, channel.childForFieldName('operand')!, ticker) && !loopJumps(syntax.parent!).some((j) => j.kind !== 'continue');
  };
  if (!reachableFrom([at], (node, index) => index === 1 && endlessRange(node)).includes(graph.exit)) return;
  const statement = ticker.parent!.parent!;
  const fixes: Fix[] =
    statement.parent?.type === 'statement_list' && !isInsideLoop(statement)
      ? [{ title: `Add defer ${ticker.text}.Stop()`, edits: [insertLineAfter(file.text, statement, `${indentationAt(file.text, statement.startIndex)}defer ${ticker.text}.Stop()`)], preferred: true }]
      : [];
  context.report({
    start: call.startIndex,
    end: call.endIndex,
    message: `the ticker ${callee.text} starts is never stopped: it keeps running after this function returns, and before Go 1.23 it is never garbage collected`,
    fixes,
    severity: file.codeKind === 'library' ? undefined : 'off',
  });
}

/** `t.C` received from, ranged over, or kept in a local (`c = t.C`, `c := t.C`). */
function onlyReceived(channel: Node): boolean {
  let n = channel;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (parent?.type === 'unary_expression' && parent.child(0)?.type === '<-') return true;
  if (parent?.type === 'range_clause' && parent.childForFieldName('right')?.id === n.id) return true;
  const statement = parent?.type === 'expression_list' ? parent.parent : null;
  if ((statement?.type !== 'assignment_statement' && statement?.type !== 'short_var_declaration') || statement.childForFieldName('right')?.id !== parent!.id) return false;
  const left = statement.childForFieldName('left');
  return left?.namedChildCount === 1 && left.namedChild(0)?.type === 'identifier';
}

/** The variable declared by `x := time.Tick(d)`. */
function tickChannel(call: Node): Node | null {
  const list = call.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'short_var_declaration' || list.namedChildCount !== 1) return null;
  const left = statement.childForFieldName('left');
  if (left?.namedChildCount !== 1 || left.namedChild(0)?.type !== 'identifier') return null;
  return left.namedChild(0);
}

function isReference(file: GoFile, expression: Node, declaring: Node): boolean {
  const e = unparen(expression);
  return e.type === 'identifier' && file.resolution.resolve(e) === file.resolution.resolve(declaring);
}

/**
 * `tick := time.Tick(d)` becomes `ticker := time.NewTicker(d)`,
 * `defer ticker.Stop()`, `tick := ticker.C`, when `tick` is only received
 * from in this function (stopping at return cannot cut anyone else off).
 */
function tickerFix(file: GoFile, call: Node, callee: Node, channel: Node | null): Fix[] {
  if (!channel || channel.text === '_') return [];
  const statement = channel.parent!.parent!;
  if (statement.parent?.type !== 'statement_list' || isInsideLoop(statement)) return [];
  const fn = enclosingFunction(call);
  const declaration = file.resolution.resolve(channel);
  if (!declaration) return [];
  for (const ref of file.resolution.referencesTo(declaration)) {
    if (enclosingFunction(ref)?.id !== fn?.id) return [];
    const parent = ref.parent;
    const received = parent?.type === 'unary_expression' && parent.child(0)?.type === '<-';
    const ranged = parent?.type === 'range_clause' && parent.childForFieldName('right')?.id === ref.id;
    if (!received && !ranged) return [];
  }
  const ticker = freeName(file, statement, 'ticker');
  const prefix = callee.type === 'selector_expression' ? `${callee.childForFieldName('operand')!.text}.` : '';
  const indent = indentationAt(file.text, statement.startIndex);
  const args = call.childForFieldName('arguments')!.text;
  return [
    {
      title: `Use ${prefix}NewTicker and defer ${ticker}.Stop()`,
      edits: [{ start: statement.startIndex, end: statement.endIndex, newText: `${ticker} := ${prefix}NewTicker${args}\n${indent}defer ${ticker}.Stop()\n${indent}${channel.text} := ${ticker}.C` }],
      preferred: true,
    },
  ];
}
