// goroutine-without-exit: a goroutine runs a loop that nothing can end (no
// return, no break out, no call that ends the goroutine): the goroutine and
// everything it references live until the process exits.
import type { Node } from 'web-tree-sitter';
import { blockingOperations, isReceive, selectHasDefault } from '../engine/blocking';
import { contextInScope, type ContextInScope } from '../engine/context';
import { looksAtContext } from '../engine/context-flow';
import { hasDetachedComment } from '../engine/context-use';
import type { GoFile } from '../engine/file';
import { endlessLoops, firstGoStatementRunning, goroutineFunction, isTickerRange, meantForProcessLifetime } from '../engine/goroutines';
import { enclosingFunction, indentationAt, namedChildren, statementsOf, topLevelFunction, unparen, walk } from '../engine/syntax';
import { insertLineBefore } from '../ruleapi/edits';
import type { Fix, RelatedLocation, Rule } from '../ruleapi/rule';

export const goroutineWithoutExit: Rule = {
  id: 'goroutine-without-exit',
  category: 'goroutine',
  defaultSeverity: 'warning',
  optIn: true,
  summary: 'A goroutine runs an endless loop that nothing can stop: no return, no break, no stop signal it obeys.',
  nodeTypes: ['go_statement'],
  tokens: ['go '],
  visit(goStatement, context) {
    const { file } = context;
    if (file.isTestFile || runsForTheProcess(file, goStatement) || hasDetachedComment(file, goStatement)) return;
    const fn = goroutineFunction(file, goStatement);
    if (!fn || !firstStarter(file, goStatement, fn)) return;
    const loop = endlessLoops(file, fn)[0];
    if (!loop || hasDetachedComment(file, loop)) return;
    if (meantForProcessLifetime(file, goStatement, fn, loop)) return;
    const scope = contextInScope(file, loop);
    // A loop that ignores a context in scope is loop-ignores-context's finding.
    if (scope?.kind === 'context' && ignoresContext(file, loop, scope)) return;
    const related: RelatedLocation[] = [{ start: loop.startIndex, end: loop.startIndex + 3, message: 'this loop never ends' }];
    const ignored = ignoredStopSignal(loop);
    if (ignored) related.push({ start: ignored.startIndex, end: ignored.endIndex, message: 'this stop signal is received but the loop goes on' });
    const what = isTickerRange(file, loop) ? 'ranges over a ticker channel, which is never closed,' : 'loops forever';
    const message = ignored
      ? `this goroutine ${what} and never leaves the loop, not even when ${unparen(ignored.childForFieldName('operand')!).text} is closed: nothing can stop it, so it and everything it references live until the process exits`
      : `this goroutine ${what} with no return, no break and no stop case: nothing can stop it, so it and everything it references live until the process exits`;
    context.report({
      start: goStatement.startIndex,
      end: goStatement.startIndex + 2,
      message,
      related,
      fixes: scope && !ignored ? fixes(file, loop, scope) : [],
    });
  },
};

/**
 * In main.main or an init function, in a function run once through
 * sync.Once, or started straight from a package function with neither
 * parameters nor results (`func startWorkers()`, `func ensureSignals()`):
 * such a function can only act on package-level state, the shape of a
 * process-wide daemon started once. Meant to live as long as the process.
 */
function runsForTheProcess(file: GoFile, goStatement: Node): boolean {
  const top = topLevelFunction(goStatement);
  const name = top?.type === 'function_declaration' ? top.childForFieldName('name')?.text : undefined;
  if (name === 'init' || (name === 'main' && file.packageName === 'main')) return true;
  if (top?.type === 'function_declaration' && enclosingFunction(goStatement)?.id === top.id && !top.childForFieldName('result') && top.childForFieldName('parameters')?.namedChildCount === 0) return true;
  const fn = enclosingFunction(goStatement);
  return !!fn && runsInsideDo(file, fn);
}

/** Per file, whether a function is (or is inside) a literal passed to a `.Do(...)` call, by function id. */
const insideDo = new WeakMap<GoFile, Map<number, boolean>>();

/** True when `fn` or a function around it is the argument of `x.Do(...)` (sync.Once). Remembered per function: nesting can be deep. */
function runsInsideDo(file: GoFile, fn: Node): boolean {
  let memo = insideDo.get(file);
  if (!memo) insideDo.set(file, (memo = new Map()));
  const passed: number[] = [];
  let answer = false;
  for (let f: Node | null = fn; f; f = enclosingFunction(f)) {
    const known = memo.get(f.id);
    if (known !== undefined) {
      answer = known;
      break;
    }
    passed.push(f.id);
    const call = f.parent?.type === 'argument_list' ? f.parent.parent : null;
    const callee = call?.childForFieldName('function');
    if (callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Do') {
      answer = true;
      break;
    }
  }
  for (const id of passed) memo.set(id, answer);
  return answer;
}

/** True when `goStatement` is the first `go` statement of the file that runs `fn` (one finding per loop). */
function firstStarter(file: GoFile, goStatement: Node, fn: Node): boolean {
  if (fn.type === 'func_literal') return true;
  return firstGoStatementRunning(file, fn)?.id === goStatement.id;
}

/** The same test as loop-ignores-context: the loop blocks and never mentions the context nor any value made from it, nor any Done/Err. */
function ignoresContext(file: GoFile, loop: Node, scope: ContextInScope): boolean {
  const body = loop.childForFieldName('body');
  const parameter = file.resolution.resolve(scope.parameter);
  return !!body && !!parameter && blockingOperations(file, body).length > 0 && !looksAtContext(file, body, parameter);
}

const STOP_CHANNEL = /(^|\.)(done|quit|stop|stopc|stopCh|donec|doneCh|closing|closed|exit|shutdown)$|Done\(\)$/i;

/** A select case of the loop that receives from a stop signal (`ctx.Done()`, `done`, `quit`...), which evidently does not leave the loop. */
function ignoredStopSignal(loop: Node): Node | null {
  let found: Node | null = null;
  walk(loop.childForFieldName('body')!, (n) => {
    if (found) return false;
    if (n.type === 'communication_case') {
      const communication = n.childForFieldName('communication');
      const receive = communication && isReceive(unparen(communication)) ? unparen(communication) : communication?.type === 'receive_statement' ? communication.childForFieldName('right') : null;
      const operand = receive && isReceive(unparen(receive)) ? unparen(receive).childForFieldName('operand') : null;
      if (operand && STOP_CHANNEL.test(unparen(operand).text)) found = unparen(receive!);
    }
    return n.type !== 'func_literal';
  });
  return found;
}

/**
 * `case <-ctx.Done(): return` as the first case of the select that is the
 * loop's whole body, when the function that runs the loop returns nothing.
 * Preferred for a context.Context: by convention its cancellation means
 * "stop this work", and the loop already works with it. Not for an
 * *http.Request's context, which ends with the handler: the goroutine may
 * be meant to outlive the request.
 */
function fixes(file: GoFile, loop: Node, scope: ContextInScope): Fix[] {
  const fn = enclosingFunction(loop);
  const body = loop.childForFieldName('body');
  if (!fn || !body || fn.childForFieldName('result') || isTickerRange(file, loop)) return [];
  const statements = statementsOf(body);
  if (statements.length !== 1 || statements[0].type !== 'select_statement' || selectHasDefault(statements[0])) return [];
  const first = namedChildren(statements[0]).find((c) => c.type === 'communication_case');
  if (!first || file.resolution.lookupAt(first, scope.parameter.text)?.node.id !== scope.parameter.id) return [];
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  const indentation = indentationAt(file.text, first.startIndex);
  return [
    {
      title: `Add case <-${scope.expression}.Done(): return`,
      edits: [insertLineBefore(file.text, first, `case <-${scope.expression}.Done():${newline}${indentation}\treturn`)],
      preferred: scope.kind === 'context',
    },
  ];
}

