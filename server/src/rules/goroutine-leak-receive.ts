// goroutine-leak-receive: a goroutine receives from (or ranges over) a
// channel made by the function that starts it, and the function has a path
// that returns without sending on it or closing it: the receiver waits
// forever and leaks with everything it references.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import {
  channelsOperatedOn,
  channelUses,
  closedInFirstIteration,
  exitsAvoiding,
  isTestFailureExit,
  functionDisplayName,
  goroutineLiteral,
  insideEndlessLoop,
  isInLoopWithin,
  isLengthQuery,
  isMainMain,
  localChannel,
  type ChannelUse,
  type LocalChannel,
} from '../engine/channels';
import { cfgNodeAt } from '../engine/reach';
import { enclosingFunction, enclosingLoop, isAncestor, indentationAt, namedChildren } from '../engine/syntax';
import { insertLineAfter } from '../ruleapi/edits';
import type { Fix, RelatedLocation, Rule, RuleContext } from '../ruleapi/rule';

export const goroutineLeakReceive: Rule = {
  id: 'goroutine-leak-receive',
  category: 'goroutine',
  defaultSeverity: 'information',
  summary: 'A goroutine receives from a channel that the function starting it may return without sending on or closing, so the receiver waits forever.',
  nodeTypes: ['go_statement'],
  tokens: ['go func'],
  visit(goStatement, context) {
    const { file } = context;
    const literal = goroutineLiteral(goStatement);
    const fn = enclosingFunction(goStatement);
    if (!literal || !fn || isMainMain(file, fn)) return;
    const body = literal.childForFieldName('body');
    if (!body) return;
    for (const reference of channelsOperatedOn(file, body, 'receive')) check(context, goStatement, literal, fn, reference);
  },
};

function check(context: RuleContext, goStatement: Node, literal: Node, fn: Node, reference: Node): void {
  const { file } = context;
  const channel = localChannel(file, reference);
  if (!channel || channel.function.id !== fn.id || channel.statement.startIndex > goStatement.startIndex) return;
  // A goroutine started again by a loop while the channel stays the same: several receivers, left out.
  for (let loop = enclosingLoop(goStatement); loop; loop = enclosingLoop(loop)) if (!isAncestor(loop, channel.statement)) return;
  const uses = channelUses(file, channel);
  const inside = uses.filter((u) => isAncestor(literal, u.reference));
  const outside = uses.filter((u) => !isAncestor(literal, u.reference));
  // The goroutine only receives, and never through a select with another way out.
  if (!inside.every((u) => (u.kind === 'receive' || u.kind === 'range') && u.function?.id === literal.id && !u.hasAlternative)) return;
  // The function only sends and closes, itself (no other goroutine, no escape), and never with defer.
  if (!outside.every((u) => u.function?.id === fn.id && (u.kind === 'send' || u.kind === 'close' || isLengthQuery(u)))) return;
  const closes = outside.filter((u) => u.kind === 'close');
  if (closes.some((c) => c.operation.parent?.type === 'defer_statement' || closedInFirstIteration(c.operation))) return;
  // A range, or a receive repeated by an endless loop, ends only when the channel is closed;
  // a receive repeated by a counted loop needs a count of sends: left out.
  const repeated = inside.filter((u) => u.kind === 'receive' && isInLoopWithin(u.operation, literal));
  if (repeated.some((u) => !insideEndlessLoop(u.operation, literal))) return;
  const needsClose = repeated.length > 0 || inside.some((u) => u.kind === 'range');
  const unblocking: Node[] = (needsClose ? closes : outside.filter((u) => u.kind === 'send' || u.kind === 'close')).map((u) => u.operation);
  // `select { case ch <- v: case other <- w: }`: which send proceeds depends on receivers we cannot see; count the select as sending.
  for (const u of outside) {
    if (u.kind !== 'send' || !u.selectCase || needsClose) continue;
    const cases = namedChildren(u.selectCase.parent!).filter((c) => c.type === 'communication_case' || c.type === 'default_case');
    const communications = cases.map((c) => c.childForFieldName('communication'));
    if (communications.every((c) => c?.type === 'send_statement')) unblocking.push(...communications.map((c) => c!));
  }

  const graph = file.cfg(fn);
  const start = graph ? cfgNodeAt(graph, goStatement) : undefined;
  if (!graph || !start) return;
  const exits = exitsAvoiding(graph, start, (n) => {
    const syntax = n.syntax;
    if (!syntax) return false;
    if (syntax.id === channel.statement.id) return true;
    return unblocking.some((u) => isAncestor(syntax, u));
  }).filter((exit) => !isTestFailureExit(exit));
  if (exits.length === 0) return;

  const name = reference.text;
  const what = needsClose ? `closing ${name}` : `sending on or closing ${name}`;
  const related: RelatedLocation[] = exits.map((exit) =>
    exit.type === 'return_statement'
      ? { start: exit.startIndex, end: exit.endIndex, message: `this return is reached without ${what}` }
      : { start: exit.endIndex - 1, end: exit.endIndex, message: `the function ends here without ${what}` },
  );
  const first = inside[0];
  const span = first.kind === 'range' ? rangeSpan(first.operation) : first.operation;
  context.report({
    start: span.startIndex,
    end: span.endIndex,
    message: needsClose
      ? `${functionDisplayName(fn)} can return without closing ${name}, so this loop over it waits forever and the goroutine leaks`
      : `${functionDisplayName(fn)} can return without sending on or closing ${name}, so this receive waits forever and the goroutine leaks`,
    related,
    fixes: closeFix(file.text, channel, inside, closes),
    severity: shownByDefault(file),
  });
}

/** `range ch` of a range clause (from the keyword to the channel). */
function rangeSpan(clause: Node): { startIndex: number; endIndex: number } {
  const keyword = clause.children.find((c) => c?.type === 'range');
  return { startIndex: keyword?.startIndex ?? clause.startIndex, endIndex: clause.endIndex };
}

/**
 * `defer close(ch)` after the make. The function is the only sender and
 * sends only before it returns (checked above); a close elsewhere would
 * panic as a double close, and a close inside a loop's iteration is not the
 * same channel next time, so neither gets the fix. Preferred when every
 * receive tells a close apart or ignores the value: a range, `v, ok := <-ch`,
 * or a discarded `<-ch` outside a loop.
 */
function closeFix(text: string, channel: LocalChannel, receives: ChannelUse[], closes: ChannelUse[]): Fix[] {
  const statement = channel.statement;
  if (closes.length > 0 || statement.parent?.type !== 'statement_list' || enclosingLoop(statement) || channel.make.type.text.startsWith('<-')) return [];
  const handlesClose = (u: ChannelUse): boolean => {
    if (u.kind === 'range') return true;
    let n = u.operation;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const parent = n.parent;
    if (parent?.type === 'expression_statement') return !isInLoopWithin(u.operation, u.function!);
    const left = parent?.type === 'receive_statement' ? parent.childForFieldName('left') : null;
    if (left && namedChildren(left).length === 2) return true;
    if (parent?.type === 'expression_list' && parent.parent && ['short_var_declaration', 'assignment_statement'].includes(parent.parent.type)) {
      const l = parent.parent.childForFieldName('left');
      return !!l && namedChildren(l).length === 2;
    }
    return false;
  };
  const everyHandles = receives.every(handlesClose);
  if (!everyHandles && receives.some((u) => isInLoopWithin(u.operation, u.function!))) return [];
  const name = channel.declaration.name;
  return [
    {
      title: `Add defer close(${name}) after making it`,
      edits: [insertLineAfter(text, statement, `${indentationAt(text, statement.startIndex)}defer close(${name})`)],
      preferred: everyHandles,
    },
  ];
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
