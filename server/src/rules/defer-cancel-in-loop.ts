// defer-cancel-in-loop: `defer cancel()` of a context made in the same loop
// body runs only when the function returns, so every iteration's context
// (and timer) stays alive until then.
import type { Node } from 'web-tree-sitter';
import { cancelBinding, contextEscapes, type CancelBinding } from '../engine/context';
import type { GoFile } from '../engine/file';
import type { CfgNode } from '../engine/cfg';
import { isTerminating, loopJumps } from '../engine/loops';
import { reachableFrom } from '../engine/reach';
import type { Declaration } from '../engine/scope';
import { enclosingFunction, indentationAt, isAncestor, isFunction, isInsideLoop, namedChildren, statementsOf, topLevelFunction, walk } from '../engine/syntax';
import { insertLineAfter, insertLineBefore } from '../ruleapi/edits';
import type { Fix, Rule, TextEdit } from '../ruleapi/rule';

export const deferCancelInLoop: Rule = {
  id: 'defer-cancel-in-loop',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'gocritic', checks: ['deferInLoop'] }],
  summary: 'A cancel function is deferred inside the loop that creates its context, so it runs only when the function returns.',
  nodeTypes: ['defer_statement'],
  tokens: ['WithCancel', 'WithTimeout', 'WithDeadline', 'NotifyContext'],
  visit(defer, context) {
    const { file } = context;
    const call = namedChildren(defer)[0];
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    // Most defers are not in a loop: no need to resolve their callee.
    if (callee?.type !== 'identifier' || !isInsideLoop(defer)) return;
    const variable = file.resolution.resolve(callee);
    if (!variable || variable.kind !== 'local') return;
    const fn = enclosingFunction(defer);
    if (!fn) return;
    const found = bindingInSameLoop(file, variable, defer, fn);
    if (!found) return;
    const { binding, loop } = found;
    if (!repeatsBeforeCancel(file, fn, defer, binding.statement, variable)) return;
    if (contextEscapes(file, binding) || capturedByLaterCall(file, binding)) return;
    // Values made with the iteration's context are kept past the iteration: the defer keeps them usable on purpose.
    const body = loop.childForFieldName('body')!;
    if (contextResultsLeaveBody(file, binding, body)) return;

    const name = callee.text;
    const timed = /Timeout|Deadline/.test(binding.constructor.displayName);
    const what = timed ? 'context and timer' : 'context';
    context.report({
      start: defer.startIndex,
      end: defer.endIndex,
      message: `defer ${name}() inside a loop runs only when the function returns, so the ${what} from ${binding.constructor.displayName} made in each iteration ${timed ? 'stay' : 'stays'} alive until then`,
      related: [{ start: body.endIndex - 1, end: body.endIndex, message: `the iteration ends here without running ${name}(), and the next one makes a new ${what}` }],
      fixes: fixes(file, loop, defer, binding, call!.text),
      // Tests loop a few times with short timeouts that have expired by the end of the iteration, and production
      // loops were judged bounded or of no value at every site of the precision corpus (0 REAL in 33); a benchmark's
      // b.N loop grows with the run and skews its measurements.
      severity: isBenchmarkLoop(file, loop) ? undefined : 'off',
      inTests: 'show',
    });
  },
};

/** The cancel binding of `variable` inside the body of a loop of `fn` that also contains `defer`, innermost loop first. */
function bindingInSameLoop(file: GoFile, variable: Declaration, defer: Node, fn: Node): { binding: CancelBinding; loop: Node } | null {
  const candidates = [variable.node, ...file.resolution.referencesTo(variable)].map((id) => bindingOf(file, id)).filter((b): b is CancelBinding => !!b);
  for (let n = defer.parent, child: Node = defer; n && n.id !== fn.id; child = n, n = n.parent) {
    if (n.type !== 'for_statement' || n.childForFieldName('body')?.id !== child.id) continue;
    const body = child;
    const binding = candidates.find((b) => isAncestor(body, b.statement) && enclosingFunction(b.statement)?.id === fn.id && b.statement.startIndex < defer.startIndex);
    if (binding) return { binding, loop: n };
  }
  return null;
}

/** The cancel binding whose cancel target is `identifier`. */
function bindingOf(file: GoFile, identifier: Node): CancelBinding | null {
  let holder = identifier.parent;
  if (holder?.type === 'expression_list') holder = holder.parent;
  if (!holder) return null;
  const values = holder.type === 'var_spec' ? holder.childrenForFieldName('value').filter((v): v is Node => !!v) : [holder.childForFieldName('right')].filter((v): v is Node => !!v);
  for (const value of values) {
    const call = value.type === 'expression_list' ? namedChildren(value)[0] : value;
    if (call?.type !== 'call_expression') continue;
    const binding = cancelBinding(file, call);
    if (binding && binding.target.id === identifier.id) return binding;
  }
  return null;
}

/**
 * True when, after the defer, control can get back to the statement that
 * makes a new context without the cancel variable being used in between
 * (`cancel()` at the end of the iteration makes the defer a harmless safety net).
 */
function repeatsBeforeCancel(file: GoFile, fn: Node, defer: Node, statement: Node, variable: Declaration): boolean {
  const graph = file.cfg(fn);
  const start = graph?.nodeOf(defer);
  const target = graph?.nodeOf(statement);
  if (!graph || !start || !target) return false;
  const references = file.resolution.referencesTo(variable).filter((r) => !isAncestor(defer, r) && !isAncestor(statement, r));
  const starts = references.map((r) => r.startIndex);
  // Stop at nodes that use the variable: past them the cancel was called (or handed on). A reference is one identifier: its start suffices.
  const usesVariable = (node: CfgNode) => {
    if (node.kind === 'end' || !node.syntax || starts.length === 0) return false;
    const { startIndex } = node.syntax;
    const endIndex = node.syntax.endIndex;
    return starts.some((s) => startIndex <= s && s < endIndex);
  };
  return reachableFrom(start.succs, (node) => node.id !== target.id && usesVariable(node)).some((node) => node.id === target.id);
}

/**
 * The context is handed to a function literal that is not called on the
 * spot (`g.Go(func() error { return work(ctx) })`), which may run after the
 * iteration: the defer then keeps it alive on purpose.
 */
function capturedByLaterCall(file: GoFile, binding: CancelBinding): boolean {
  if (binding.contextTarget.type !== 'identifier') return false;
  const declaration = file.resolution.resolve(binding.contextTarget);
  const owner = enclosingFunction(binding.statement);
  if (!declaration || !owner) return false;
  return file.resolution.referencesTo(declaration).some((reference) => {
    for (let n = reference.parent; n && n.id !== owner.id; n = n.parent) {
      if (n.type !== 'func_literal') continue;
      const parent = n.parent;
      if (!(parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id)) return true;
    }
    return false;
  });
}

function fixes(file: GoFile, loop: Node, defer: Node, binding: CancelBinding, cancelCall: string): Fix[] {
  const body = loop.childForFieldName('body');
  if (!body || !declaredIn(file, binding.contextTarget, body)) return [];
  const jumps = loopJumps(loop);
  const safe = !valuesLeaveBody(file, body);
  if (jumps.length === 0) {
    const wrap = wrapBody(file, body);
    if (!wrap) return [];
    const otherDefers = deferStatements(body).some((d) => d.id !== defer.id && !isCancelDeferOfBody(file, d, body));
    return [{ title: 'Run the loop body in its own function: func() { ... }()', edits: [wrap], preferred: safe && !otherDefers }];
  }
  // Calls to cancel at the end of the iteration and before each break and continue; the defer stays for the returns.
  if (jumps.some((j) => j.kind === 'goto')) return [];
  const list = body.namedChildren.find((c) => c?.type === 'statement_list');
  if (!list || defer.parent?.id !== list.id || binding.statement.parent?.id !== list.id || !declaredIn(file, binding.target, body)) return [];
  const edits: TextEdit[] = [];
  for (const jump of jumps) {
    if (jump.kind === 'return' || jump.node.startIndex < defer.endIndex) continue;
    if (jump.node.parent?.type !== 'statement_list') return [];
    edits.push(insertLineBefore(file.text, jump.node, cancelCall));
  }
  const statements = statementsOf(body);
  const last = statements[statements.length - 1];
  if (last && !isTerminating(file, last) && last.type !== 'break_statement' && last.type !== 'continue_statement') {
    edits.push(insertLineAfter(file.text, last, `${indentationAt(file.text, last.startIndex)}${cancelCall}`));
  }
  if (edits.length === 0) return [];
  return [{ title: `Call ${cancelCall} at the end of each iteration and before each break and continue`, edits, preferred: safe }];
}

/** True when the identifier is declared by a statement inside `body` (so the value is new in each iteration). */
function declaredIn(file: GoFile, identifier: Node, body: Node): boolean {
  if (identifier.type !== 'identifier') return false;
  if (identifier.text === '_') return true;
  const declaration = file.resolution.resolve(identifier);
  return !!declaration && declaration.kind === 'local' && isAncestor(body, declaration.node);
}

/**
 * True when a value made in the body may be used after the iteration: an
 * assignment or send whose target is declared outside the body and whose
 * value mentions a variable of the body. Ending the context at the end of
 * the iteration could then break that later use.
 */
function valuesLeaveBody(file: GoFile, body: Node): boolean {
  let leaves = false;
  const local = (n: Node) => {
    let found = false;
    walk(n, (m) => {
      if (m.type !== 'identifier') return true;
      const d = file.resolution.resolve(m);
      if (d && d.kind === 'local' && isAncestor(body, d.node)) found = true;
      return !found;
    });
    return found;
  };
  walk(body, (n) => {
    if (leaves) return false;
    if (isFunction(n) && n.parent?.type !== 'call_expression') return true;
    if (n.type === 'assignment_statement') {
      const right = n.childForFieldName('right');
      if (assignsOutside(file, n, body) && right && local(right)) leaves = true;
    } else if (n.type === 'send_statement') {
      const value = n.childForFieldName('value');
      if (value && local(value)) leaves = true;
    } else if (n.type === 'go_statement') {
      leaves = true;
    }
    return !leaves;
  });
  return leaves;
}

function deferStatements(body: Node): Node[] {
  const found: Node[] = [];
  walk(body, (n) => {
    if (n.id !== body.id && isFunction(n)) return false;
    if (n.type === 'defer_statement') found.push(n);
    return true;
  });
  return found;
}

function isCancelDeferOfBody(file: GoFile, defer: Node, body: Node): boolean {
  const call = namedChildren(defer)[0];
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (callee?.type !== 'identifier') return false;
  const variable = file.resolution.resolve(callee);
  if (!variable) return false;
  return [variable.node, ...file.resolution.referencesTo(variable)].some((id) => {
    const binding = bindingOf(file, id);
    return !!binding && isAncestor(body, binding.statement);
  });
}

/**
 * Replaces the contents of the loop body `{ ... }` with `func() { ... }()`,
 * every line one tab deeper (lines inside multi-line raw strings excepted).
 */
function wrapBody(file: GoFile, body: Node): TextEdit | null {
  const text = file.text;
  const open = body.startIndex + 1;
  const close = body.endIndex - 1;
  if (text[body.startIndex] !== '{' || text[close] !== '}') return null;
  const inner = text.slice(open, close);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const firstBreak = inner.indexOf('\n');
  if (firstBreak < 0 || inner.slice(0, firstBreak).trim() !== '') return null;
  const lastBreak = inner.lastIndexOf('\n');
  if (inner.slice(lastBreak + 1).trim() !== '') return null;
  const closing = indentationAt(text, close);
  const raw: Array<[number, number]> = [];
  walk(body, (n) => {
    if ((n.type === 'raw_string_literal' || n.type === 'interpreted_string_literal') && n.text.includes('\n')) raw.push([n.startIndex, n.endIndex]);
    return true;
  });
  // Lines of the body, from the line after `{` to the line before `}`.
  const contentStart = open + firstBreak + 1;
  const contentEnd = open + lastBreak;
  const content = text.slice(contentStart, contentEnd);
  let offset = contentStart;
  const lines = content.split('\n').map((line) => {
    const at = offset;
    offset += line.length + 1;
    const inRaw = raw.some(([s, e]) => s < at && at < e);
    return inRaw || line.replace(/\r$/, '').trim() === '' ? line : `\t${line}`;
  });
  const newText = `${newline}${closing}\tfunc() {${newline}${lines.join('\n')}${newline}${closing}\t}()${newline}${closing}`;
  return { start: open, end: close, newText };
}

/** `for i := 0; i < b.N; i++`, `for range b.N`, `for b.Loop()` in a Benchmark function of a _test.go file. */
function isBenchmarkLoop(file: GoFile, loop: Node): boolean {
  if (!file.isTestFile) return false;
  const header = file.text.slice(loop.startIndex, loop.childForFieldName('body')?.startIndex ?? loop.endIndex);
  return /\b\w+\.N\b|\b\w+\.Loop\(\)/.test(header) && /^Benchmark/.test(topLevelFunction(loop)?.childForFieldName('name')?.text ?? '');
}

/**
 * True when a result of a call that is given the iteration's context
 * outlives the iteration: `subs[i] = bus.Subscribe(ctx, t)`,
 * `s.conns = append(s.conns, c)` with `c, _ := dial(ctx)` in the body. The
 * value itself must be what is kept (not `n += len(v)`).
 */
function contextResultsLeaveBody(file: GoFile, binding: CancelBinding, body: Node): boolean {
  if (binding.contextTarget.type !== 'identifier') return false;
  const context = file.resolution.resolve(binding.contextTarget);
  if (!context) return false;
  const isContext = (n: Node) => n.type === 'identifier' && file.resolution.resolve(n)?.node.id === context.node.id;
  const callTakesContext = (n: Node) => n.type === 'call_expression' && namedChildren(n.childForFieldName('arguments') ?? n).some(isContext);
  /** `dial(ctx)`, or a local of the body assigned from such a call. */
  const madeWithContext = (value: Node): boolean => {
    if (callTakesContext(value)) return true;
    if (value.type !== 'identifier') return false;
    const declaration = file.resolution.resolve(value);
    const holder = declaration && declaration.kind === 'local' && isAncestor(body, declaration.node) ? declaration.node.parent?.parent : undefined;
    const right = holder && (holder.type === 'short_var_declaration' || holder.type === 'assignment_statement') ? holder.childForFieldName('right') : null;
    return !!right && namedChildren(right).some(callTakesContext);
  };
  let leaves = false;
  walk(body, (n) => {
    if (leaves) return false;
    if (n.type !== 'assignment_statement') return true;
    const right = n.childForFieldName('right');
    // `err = call(ctx)` keeps an error, not something that needs the context.
    if (!assignsOutside(file, n, body, true) || !right) return true;
    for (const value of namedChildren(right)) {
      const callee = value.type === 'call_expression' ? value.childForFieldName('function') : null;
      const appended = callee?.type === 'identifier' && callee.text === 'append' ? namedChildren(value.childForFieldName('arguments')!).slice(1) : [value];
      if (appended.some(madeWithContext)) leaves = true;
    }
    return !leaves;
  });
  return leaves;
}

/**
 * True when the assignment `statement` writes something that is not a local
 * of `body` (a field, an element, an outer variable); with `exceptErrors`,
 * an outer error variable does not count.
 */
function assignsOutside(file: GoFile, statement: Node, body: Node, exceptErrors = false): boolean {
  const left = statement.childForFieldName('left');
  return !!left && namedChildren(left).some((t) => !(t.type === 'identifier' && (t.text === '_' || declaredIn(file, t, body) || (exceptErrors && isErrorVariable(file, t)))));
}

/** `err`, or a variable declared with type `error`. */
function isErrorVariable(file: GoFile, identifier: Node): boolean {
  if (identifier.text === 'err') return true;
  const declaration = file.resolution.resolve(identifier)?.node;
  const holder = declaration?.parent;
  return (holder?.type === 'var_spec' || holder?.type === 'parameter_declaration') && holder.childForFieldName('type')?.text === 'error';
}
