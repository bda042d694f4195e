// lost-cancel: the cancel function of context.With{Cancel,Timeout,Deadline}[Cause]
// (or signal.NotifyContext's stop) is not called on every path.
import type { Node } from 'web-tree-sitter';
import { cancelBinding, contextEscapes, contextUsedOnlyByCalls, isNamedResult, type CancelBinding } from '../engine/context';
import { cancelWatchers, deferredRightAfter, doneReceives, isDiscarded, ownerCalls, returnedCancelOwner, runsOnlyWhenNil, runsOnlyWithoutDeadline, unusedPaths } from '../engine/cancel-paths';
import type { GoFile } from '../engine/file';
import type { Declaration } from '../engine/scope';
import { enclosingFunction, indentationAt, isAncestor, isInsideLoop } from '../engine/syntax';
import { insertLineAfter, insertLineBefore } from '../ruleapi/edits';
import type { Fix, RelatedLocation, Rule, RuleContext } from '../ruleapi/rule';

export const lostCancel: Rule = {
  id: 'lost-cancel',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'govet', checks: ['lostcancel'] }, { linter: 'gosec', checks: ['G118'] }],
  summary: 'The cancel function of a derived context is not called on every path.',
  nodeTypes: ['call_expression'],
  tokens: ['WithCancel', 'WithTimeout', 'WithDeadline', 'NotifyContext'],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['WithCancel', 'WithTimeout', 'WithDeadline', 'NotifyContext'],
  visit(call, context) {
    const binding = cancelBinding(context.file, call);
    if (!binding) return;
    if (binding.target.type === 'identifier' && binding.target.text !== '_') checkVariable(binding, context);
    else if (binding.target.type === 'selector_expression') checkField(binding, context);
    checkDroppedByCallers(binding, context);
  },
};

/**
 * A constructor returns the owner of the cancel (`return &worker{cancel:
 * cancel}`, or a local whose field holds it), and a caller in this file
 * keeps that value in a local, then reaches a return without touching it
 * (`w := newWorker(ctx); if err := check(); err != nil { return err }`): the
 * value is dropped with its cancel. Not on the paths of the error check
 * right after `w, err := newWorker(ctx)` (the constructor failed); any
 * reference to the value hands it on.
 */
function checkDroppedByCallers(binding: CancelBinding, context: RuleContext): void {
  const { file } = context;
  const fn = enclosingFunction(binding.call);
  const owner = fn ? returnedCancelOwner(file, fn, binding) : null;
  const name = fn?.childForFieldName('name')?.text;
  if (!fn || !owner || !name) return;
  for (const caller of ownerCalls(file, fn)) {
    const callerFn = enclosingFunction(caller.statement);
    if (!callerFn || callerFn.id === fn.id || isMainMain(file, callerFn)) continue;
    const graph = file.cfg(callerFn);
    if (!graph) continue;
    const returns = unusedPaths(file, graph, caller.statement, caller.owner, isNamedResult(caller.owner.node, callerFn)).exits.filter(
      (e) => e.type === 'return_statement' && !(caller.errorCheck && isAncestor(caller.errorCheck, e)),
    );
    if (returns.length === 0) continue;
    const value = caller.owner.node.text;
    const callee = caller.call.childForFieldName('function')!;
    const maker = binding.call.childForFieldName('function')!;
    context.report({
      start: callee.startIndex,
      end: callee.endIndex,
      message: `${name} returns a value that owns the cancel function of a context (in its field ${owner.field}), and ${returns.length > 1 ? 'these returns drop' : 'this return drops'} ${value} without calling it: ${binding.constructor.leak}`,
      related: [
        { start: maker.startIndex, end: maker.endIndex, message: `the context and its cancel function are made here, and the cancel is stored in ${owner.field}` },
        ...returns.map((r) => ({ start: r.startIndex, end: r.endIndex, message: `${value} is dropped here: nothing can call its ${owner.field} any more` })),
      ].sort((a, b) => a.start - b.start),
    });
  }
}

function checkVariable(binding: CancelBinding, context: RuleContext): void {
  const { file } = context;
  const fn = enclosingFunction(binding.call);
  if (!fn || isMainMain(file, fn)) return;
  const variable = file.resolution.resolve(binding.target);
  if (!variable || variable.kind !== 'local' || enclosingFunction(variable.node)?.id !== fn.id) return;
  // The common case, decided without the function's control flow: every path from here runs the deferred call.
  if (deferredRightAfter(file, binding.statement, variable)) return;
  const graph = file.cfg(fn);
  if (!graph) return;
  const stored = storedOnlyInUncalledFields(file, variable);
  if (stored) {
    const callee = binding.call.childForFieldName('function')!;
    context.report({
      start: callee.startIndex,
      end: callee.endIndex,
      message: `the ${binding.target.text} function returned by ${binding.constructor.displayName} is stored in the field ${stored.text} of a composite literal, which no code in the package ever calls: ${binding.constructor.leak}`,
      related: [{ start: stored.startIndex, end: stored.endIndex, message: `${binding.target.text} is only stored here` }],
    });
    return;
  }
  // A goroutine that calls cancel only after someone else's signal does not release the context when the function returns.
  const found = cancelWatchers(file, fn, variable, binding.contextTarget);
  const waiters = [...found.values()];
  // Not when the context may be kept by what it is handed to (the goroutine then ties its life to that signal on purpose), nor when a deadline ends it anyway and the goroutine waits only for that.
  const keep =
    waiters.length > 0 &&
    !(binding.constructor.timed && waiters.every((w) => w.waitsOnlyForOwnDone)) &&
    contextUsedOnlyByCalls(file, binding, waiters.map((w) => w.goStatement));
  const watchers = keep ? found : new Map<number, (typeof waiters)[number]>();
  const watcherStatements = keep ? waiters.map((w) => w.goStatement) : [];
  const inWatcher = (n: Node) => watcherStatements.some((g) => isAncestor(g, n));
  const dones = doneReceives(file, binding.contextTarget).filter((n) => !inWatcher(n));
  const paths = unusedPaths(file, graph, binding.statement, variable, isNamedResult(variable.node, fn), dones, new Set(watchers.keys()));
  const { exits } = paths;
  // Run again only after the previous context was cancelled and cleared: not an overwrite.
  // Nor a second context made only when the first has no deadline (`if _, ok := ctx.Deadline(); !ok`), after a timed one.
  const overwrites = paths.overwrites.filter(
    (s) =>
      !(s.id === binding.statement.id && !binding.defines && runsOnlyWhenNil(binding.statement, [binding.contextTarget.text, binding.target.text])) &&
      !(binding.constructor.timed && runsOnlyWithoutDeadline(file, s, binding.contextTarget.text)),
  );
  if (exits.length === 0 && overwrites.length === 0) return;

  const name = binding.target.text;
  const callee = binding.call.childForFieldName('function')!;
  // What looks like a use and is not (it silences go vet).
  const discards = file.resolution.referencesTo(variable).filter(isDiscarded).map((r): RelatedLocation => ({ start: r.parent!.parent!.startIndex, end: r.parent!.parent!.endIndex, message: `assigning ${name} to _ does not call it` }));
  const related: RelatedLocation[] = [
    ...discards,
    ...exits.map((exit) => exitLocation(exit, name)),
    ...overwrites.map((statement) =>
      statement.id === binding.statement.id
        ? { start: statement.startIndex, end: statement.endIndex, message: `the next iteration runs this again, and the previous ${name} is lost` }
        : { start: statement.startIndex, end: statement.endIndex, message: `${name} is overwritten here before it is called` },
    ),
  ];
  const what = `the ${name} function returned by ${binding.constructor.displayName}`;
  const waiting = exits.length > 0 ? [...watchers.values()] : [];
  for (const watcher of waiting) {
    related.push({
      start: watcher.wait.startIndex,
      end: watcher.wait.startIndex + (watcher.wait.type === 'select_statement' ? 6 : watcher.wait.endIndex - watcher.wait.startIndex),
      message: watcher.watchesOwnDone
        ? `this goroutine calls ${name} only after this wait, which nothing in the function ends`
        : `this goroutine calls ${name} only after this wait, which nothing in the function ends; it waits here until then too`,
    });
  }
  if (waiting.length > 0) related.sort((a, b) => a.start - b.start);
  const message =
    waiting.length > 0
      ? `${what} is called only by a goroutine that first waits for another signal, not when the function returns: ${binding.constructor.leak}`
      : exits.length > 0
        ? `${what} is not called on every path to the function's end: ${binding.constructor.leak}`
        : `${what} is overwritten before it is called: ${binding.constructor.leak}`;
  context.report({ start: callee.startIndex, end: callee.endIndex, message, related, fixes: fixes(file, binding, name, exits, overwrites, watcherStatements) });
}

/**
 * The key of `T{..., cancel: cancel}` (T a type of this package) when every
 * use of the variable is the value of such a keyed element and no code of
 * the package reads a field of that name (so nothing can ever call it);
 * otherwise null.
 */
function storedOnlyInUncalledFields(file: GoFile, variable: Declaration): Node | null {
  const uses = file.resolution.referencesTo(variable).filter((r) => !isDiscarded(r));
  let key: Node | null = null;
  for (const use of uses) {
    const element = use.parent?.type === 'literal_element' ? use.parent.parent : null;
    // The key of `cancel: cancel` is a field name that looks like a use of the variable.
    if (element?.type === 'keyed_element' && element.childForFieldName('key')?.id === use.parent!.id) continue;
    const keyNode = element?.type === 'keyed_element' && element.childForFieldName('value')?.id === use.parent!.id ? element.childForFieldName('key')?.namedChild(0) : null;
    // A type of another package (`pkg.Options{Cancel: cancel}`) may call the field there.
    const literal = element?.parent?.type === 'literal_value' ? element.parent.parent : null;
    if (literal?.type !== 'composite_literal' || literal.childForFieldName('type')?.type !== 'type_identifier') return null;
    if (!keyNode || keyNode.type !== 'identifier' || file.packageReadsField(keyNode.text)) return null;
    key ??= keyNode;
  }
  return key;
}

function exitLocation(exit: Node, name: string): RelatedLocation {
  if (exit.type === 'return_statement') {
    return { start: exit.startIndex, end: exit.endIndex, message: `this return is reached without calling ${name}` };
  }
  return { start: exit.endIndex - 1, end: exit.endIndex, message: `the function ends here without calling ${name}` };
}

/**
 * `defer cancel()` right after the statement, when that runs once per call
 * and the context does not outlive the function. When it does (it is
 * returned or handed to a goroutine on some path), deferring would cancel it
 * under its new owner, so the fix calls cancel() just before each leaking
 * return instead, offered but not preferred: only the user knows whether
 * those returns hand the context on in some other way.
 */
function fixes(file: GoFile, binding: CancelBinding, name: string, exits: Node[], overwrites: Node[], watchers: readonly Node[]): Fix[] {
  const statement = binding.statement;
  const call = `${name}(${binding.constructor.callArguments})`;
  if (statement.parent?.type !== 'statement_list' || isInsideLoop(statement)) return [];
  if (!contextEscapes(file, binding, watchers)) {
    return [
      {
        title: `Add defer ${call} after this statement`,
        edits: [insertLineAfter(file.text, statement, `${indentationAt(file.text, statement.startIndex)}defer ${call}`)],
        preferred: true,
      },
    ];
  }
  const context = binding.contextTarget.type === 'identifier' ? file.resolution.resolve(binding.contextTarget) : undefined;
  const returnsUseContext = (exit: Node) => !!context && file.resolution.referencesTo(context).some((r) => isAncestor(exit, r));
  if (overwrites.length > 0 || exits.some((e) => e.type !== 'return_statement' || e.parent?.type !== 'statement_list' || returnsUseContext(e))) return [];
  return [
    {
      title: `Call ${call} before each return that leaks it`,
      edits: exits.map((exit) => insertLineBefore(file.text, exit, `${call}`)),
    },
  ];
}

function isMainMain(file: GoFile, fn: Node): boolean {
  return file.packageName === 'main' && fn.type === 'function_declaration' && fn.childForFieldName('name')?.text === 'main';
}


/** `s.cancel = ...` that no file of the package ever reads back, or stored in an object this function makes and then drops. */
function checkField(binding: CancelBinding, context: RuleContext): void {
  const field = binding.target.childForFieldName('field');
  if (!field) return;
  if (context.file.packageReadsField(field.text)) {
    checkDroppedOwner(binding, field, context);
    return;
  }
  const callee = binding.call.childForFieldName('function')!;
  context.report({
    start: callee.startIndex,
    end: callee.endIndex,
    message: `the cancel function returned by ${binding.constructor.displayName} is stored in ${binding.target.text}, which no code in the package ever calls: ${binding.constructor.leak}`,
  });
}

/**
 * `s.ctx, s.cancel = context.WithCancel(p)` where `s` is an object this
 * function makes (`&T{}`, `T{}`, `new(T)`), then a path to a return on
 * which nothing touches `s` (an early error return of a constructor): the
 * object is dropped with its cancel, which nothing can call any more. Any
 * reference to `s` on the path (a method call, a field write, passing it on)
 * counts as handing the cancel on; so does any reference before the cancel
 * is stored (the object may be registered elsewhere).
 */
function checkDroppedOwner(binding: CancelBinding, field: Node, context: RuleContext): void {
  const { file } = context;
  const operand = binding.target.childForFieldName('operand');
  const fn = enclosingFunction(binding.call);
  if (operand?.type !== 'identifier' || !fn || isMainMain(file, fn)) return;
  const owner = file.resolution.resolve(operand);
  if (!owner || owner.kind !== 'local' || enclosingFunction(owner.node)?.id !== fn.id || !madeHere(owner.node)) return;
  if (file.resolution.referencesTo(owner).some((r) => r.startIndex < binding.statement.startIndex)) return;
  const graph = file.cfg(fn);
  if (!graph) return;
  const returns = unusedPaths(file, graph, binding.statement, owner, isNamedResult(owner.node, fn)).exits.filter((e) => e.type === 'return_statement');
  if (returns.length === 0) return;
  const callee = binding.call.childForFieldName('function')!;
  const name = `${operand.text}.${field.text}`;
  context.report({
    start: callee.startIndex,
    end: callee.endIndex,
    message: `the cancel function returned by ${binding.constructor.displayName} is stored in ${name}, and ${returns.length > 1 ? 'these returns drop' : 'this return drops'} ${operand.text} without calling it: ${binding.constructor.leak}`,
    related: returns.map((r) => ({ start: r.startIndex, end: r.endIndex, message: `${operand.text} is dropped here: nothing can call ${name} any more` })),
  });
}

/** The declaring identifier of `s := &T{...}`, `s := T{...}` or `s := new(T)` (one name, one value). */
function madeHere(identifier: Node): boolean {
  const list = identifier.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'short_var_declaration' || list.namedChildCount !== 1) return false;
  const right = statement.childForFieldName('right');
  let value = right?.namedChildCount === 1 ? right.namedChild(0) : null;
  if (value?.type === 'unary_expression' && value.child(0)?.text === '&') value = value.childForFieldName('operand');
  if (value?.type === 'composite_literal') return value.childForFieldName('type')?.type === 'type_identifier';
  return value?.type === 'call_expression' && value.childForFieldName('function')?.text === 'new';
}
