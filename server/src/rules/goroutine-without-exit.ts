// goroutine-without-exit: a goroutine runs a loop that nothing can end (no
// return, no break out, no call that ends the goroutine): the goroutine and
// everything it references live until the process exits.
import type { Node } from 'web-tree-sitter';
import { basename } from 'node:path';
import { selectHasDefault } from '../engine/blocking';
import { contextInScope, type ContextInScope } from '../engine/context';
import { hasDetachedComment } from '../engine/context-use';
import type { GoFile } from '../engine/file';
import {
  endlessLoops,
  firstGoStatementRunning,
  foreverFunctionElsewhere,
  goroutineFunction,
  ignoredStopSignal,
  isTickerRange,
  loopIgnoresContext,
  meantForProcessLifetime,
  startedForProcessLifetime,
} from '../engine/goroutines';
import { enclosingFunction, indentationAt, namedChildren, statementsOf, topLevelFunction, unparen } from '../engine/syntax';
import { insertLineBefore } from '../ruleapi/edits';
import type { Fix, RelatedLocation, Rule, RuleContext } from '../ruleapi/rule';

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
    if (!fn) return reportElsewhere(goStatement, context);
    if (!firstStarter(file, goStatement, fn)) return;
    const loop = endlessLoops(file, fn)[0];
    if (!loop || hasDetachedComment(file, loop)) return;
    if (meantForProcessLifetime(file, goStatement, fn, loop)) return;
    const scope = contextInScope(file, loop);
    // A loop that ignores a context in scope is loop-ignores-context's finding.
    if (scope?.kind === 'context' && loopIgnoresContext(file, loop, scope)) return;
    const related: RelatedLocation[] = [{ start: loop.startIndex, end: loop.startIndex + 3, message: 'this loop never ends' }];
    const ignored = ignoredStopSignal(loop);
    if (ignored) related.push({ start: ignored.startIndex, end: ignored.endIndex, message: 'this stop signal is received but the loop goes on' });
    context.report({
      start: goStatement.startIndex,
      end: goStatement.startIndex + 2,
      message: describe(isTickerRange(file, loop), ignored ? unparen(ignored.childForFieldName('operand')!).text : undefined),
      related,
      fixes: scope && !ignored ? fixes(file, loop, scope) : [],
    });
  },
};

function describe(ticker: boolean, ignoredStop: string | undefined): string {
  const what = ticker ? 'ranges over a ticker channel, which is never closed,' : 'loops forever';
  return ignoredStop
    ? `this goroutine ${what} and never leaves the loop, not even when ${ignoredStop} is closed: nothing can stop it, so it and everything it references live until the process exits`
    : `this goroutine ${what} with no return, no break and no stop case: nothing can stop it, so it and everything it references live until the process exits`;
}

/** `go s.listen()` where listen is in another file of the package: the same finding, with the loop shown in that file (no fix: it would edit that file). */
function reportElsewhere(goStatement: Node, context: RuleContext): void {
  const { file } = context;
  const forever = foreverFunctionElsewhere(file, goStatement);
  if (!forever || forever.meantToRunForever || forever.ignoresContext || startedForProcessLifetime(file, goStatement)) return;
  if (firstGoStatementNamed(file, goStatement)?.id !== goStatement.id) return;
  const related: RelatedLocation[] = [{ ...forever.loop, message: `this loop never ends (${forever.name} in ${basename(forever.loop.path)})` }];
  if (forever.ignoredStop) related.push({ ...forever.ignoredStop, message: 'this stop signal is received but the loop goes on' });
  context.report({ start: goStatement.startIndex, end: goStatement.startIndex + 2, message: describe(forever.ticker, forever.ignoredStop?.operand), related });
}

/** The first `go` statement of the file whose callee has the same text (one finding per function run). */
function firstGoStatementNamed(file: GoFile, goStatement: Node): Node | undefined {
  let first = firstByCallee.get(file);
  if (!first) {
    // One walk per file version, not one per `go` statement asked about.
    first = new Map();
    for (const s of file.root.descendantsOfType('go_statement')) {
      const name = s ? calleeText(s) : undefined;
      if (s && name !== undefined && !first.has(name)) first.set(name, s);
    }
    firstByCallee.set(file, first);
  }
  const name = calleeText(goStatement);
  if (name !== undefined) file.dependsOn(name);
  return name === undefined ? undefined : first.get(name);
}

const firstByCallee = new WeakMap<GoFile, Map<string, Node>>();

function calleeText(goStatement: Node): string | undefined {
  return goStatement.namedChild(0)?.childForFieldName('function')?.text;
}

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

