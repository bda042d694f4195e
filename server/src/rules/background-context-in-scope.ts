// background-context-in-scope: context.Background() or context.TODO() in a
// function that has a context (a context.Context parameter, or an
// *http.Request whose Context() it should use). The work started there is
// cut off from the caller's cancellation and deadline.
import type { Node } from 'web-tree-sitter';
import { calleeIgnoresContext, commentExplainsDetachment, contextUseSite, deliberateDetach, emptyContextCall, hasDetachedComment, isContextRoot, isDetachingArgument, isLoggerContext } from '../engine/context-use';
import { resultOutlivesFunction } from '../engine/outlives';
import type { GoFile } from '../engine/file';
import { enclosingFunction, namedChildren, walk } from '../engine/syntax';
import { deleteStatementLines, replaceNode } from '../ruleapi/edits';
import type { Fix, Rule } from '../ruleapi/rule';

export const backgroundContextInScope: Rule = {
  id: 'background-context-in-scope',
  category: 'context',
  defaultSeverity: 'information',
  optIn: true,
  peers: [{ linter: 'contextcheck' }, { linter: 'gosec', checks: ['G118'] }],
  summary: 'context.Background() or context.TODO() is used where the function has a context of its own.',
  nodeTypes: ['call_expression'],
  tokens: ['Background()', 'TODO()'],
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['Background', 'TODO'],
  visit(call, context) {
    const { file } = context;
    const kind = emptyContextCall(file, call);
    if (!kind || isContextRoot(file, call)) return;
    if (isDetachingArgument(call) || markedDetached(file, call)) return;
    const site = contextUseSite(file, call);
    if (!site) return;
    const parameter = site.available.parameter;
    const owner = enclosingFunction(parameter);
    if (!owner) return;
    const value = derivedValue(file, call);
    if (resultOutlivesFunction(file, value) || defaultsNil(value) || afterDone(file, owner, parameter, call)) return;
    if (isLoggerContext(value) || deliberateDetach(file, call, value, site.available)) return;
    // The call that receives the context: when it ignores its context, or its result outlives the function, the empty context is right.
    const receiver = value.parent?.type === 'argument_list' ? value.parent.parent : null;
    if (receiver && (calleeIgnoresContext(file, receiver) || resultOutlivesFunction(file, receiver))) return;

    const expression = site.available.expression;
    const name = `context.${kind}()`;
    const request = site.available.kind === 'request';
    const cutOff = request
      ? `it is not cancelled when the client goes away or the server times the request out, as ${expression} is`
      : `it is not cancelled when ${expression} is, and ignores its deadline`;
    const fixes: Fix[] = [];
    let message: string;
    if (site.flow === 'goroutine') {
      message = `${name} in a goroutine started by a function that has ${expression}: ${cutOff}, so the goroutine's work runs on unbounded; if it must outlive the ${request ? 'request' : 'call'}, derive it with context.WithoutCancel(${expression}) (Go 1.21+) or say so with a // detached: comment`;
      if (!request) fixes.push({ title: `Use ${expression} (cancelled when the caller's context is)`, edits: [replaceNode(call, expression)] });
    } else {
      message = `${name} where ${expression} is in scope: ${cutOff}, so the work runs on after the caller has given up`;
      // Never preferred: the work may have to outlive the caller (a cache filled for every client, a monitor that must see the end).
      const overwrite = overwritesParameter(value, parameter);
      if (overwrite) {
        // `ctx = context.Background()`: keeping the caller's ctx means dropping the assignment (replacing the call would write ctx = ctx).
        const edit = deleteStatementLines(file.text, overwrite);
        if (edit) fixes.push({ title: `Keep the caller's ${parameter.text}: remove this assignment`, edits: [edit] });
      } else {
        fixes.push({ title: `Use ${expression}`, edits: [replaceNode(call, expression)] });
      }
    }
    context.report({ start: call.startIndex, end: call.endIndex, message, fixes });
  },
};

/** A `// detached: reason` comment on the call's line or the line before, or before a statement or `go` statement around it (in enclosing function literals too). */
function markedDetached(file: GoFile, call: Node): boolean {
  if (hasDetachedComment(file, call)) return true;
  for (let n = call.parent; n && n.type !== 'function_declaration' && n.type !== 'method_declaration'; n = n.parent) {
    if ((n.parent?.type === 'statement_list' || n.type === 'go_statement') && (hasDetachedComment(file, n) || commentExplainsDetachment(file, n))) return true;
  }
  return false;
}

/** The outermost expression whose value is the empty context or a context derived from it: `context.WithTimeout(context.Background(), d)`. */
function derivedValue(file: GoFile, call: Node): Node {
  let value = call;
  for (;;) {
    const list = value.parent;
    const outer = list?.type === 'argument_list' ? list.parent : null;
    const callee = outer?.childForFieldName('function');
    const member = callee ? file.packageMember(callee, 'context') : null;
    if (!outer || !member?.startsWith('With') || namedChildren(list!)[0]?.id !== value.id) return value;
    value = outer;
  }
}

/** `ctx = context.Background()` (or derived from it) on the context parameter itself: the assignment statement, else null. */
function overwritesParameter(value: Node, parameter: Node): Node | null {
  const list = value.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'assignment_statement' || namedChildren(list).length !== 1) return null;
  const targets = namedChildren(statement.childForFieldName('left')!);
  return targets.length === 1 && targets[0].type === 'identifier' && targets[0].text === parameter.text ? statement : null;
}

/**
 * `if ctx == nil { ctx = context.Background() }`: a default for a missing
 * context, on purpose. (Overwriting the parameter without that check throws
 * the caller's context away, and is reported.)
 */
function defaultsNil(value: Node): boolean {
  const list = value.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || (statement?.type !== 'assignment_statement' && statement?.type !== 'short_var_declaration')) return false;
  const targets = namedChildren(statement.childForFieldName('left')!);
  for (let n = statement.parent; n && n.type !== 'func_literal' && n.type !== 'function_declaration' && n.type !== 'method_declaration'; n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition')?.text ?? '';
    if (targets.some((t) => new RegExp(`\\b${escape(t.text)}\\s*==\\s*nil\\b|\\bnil\\s*==\\s*${escape(t.text)}\\b`).test(condition))) return true;
  }
  return false;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when the owner function waits for or checks the end of its context
 * (`<-ctx.Done()`, `ctx.Err()`) before the call: a fresh context after that
 * point is usually cleanup that must run although the caller's context is done.
 */
function afterDone(file: GoFile, owner: Node, parameter: Node, call: Node): boolean {
  const body = owner.childForFieldName('body');
  if (!body) return false;
  const word = new RegExp(`\\b${escape(parameter.text)}\\b`);
  let found = false;
  walk(body, (n) => {
    if (found || n.startIndex >= call.startIndex) return false;
    if (n.type !== 'call_expression') return true;
    const callee = n.childForFieldName('function');
    const method = callee?.type === 'selector_expression' ? callee.childForFieldName('field')?.text : undefined;
    if (method !== 'Done' && method !== 'Err') return true;
    const operand = callee!.childForFieldName('operand')!;
    if (operand.type === 'call_expression' || operand.type === 'selector_expression') {
      found = word.test(operand.text);
    } else if (operand.type === 'identifier') {
      const declaration = file.resolution.resolve(operand);
      const declaring = declaration?.node.parent?.type === 'var_spec' ? declaration.node.parent : declaration?.node.parent?.parent;
      const derived = !!declaring && ['short_var_declaration', 'assignment_statement', 'var_spec'].includes(declaring.type) && word.test(declaring.childForFieldName(declaring.type === 'var_spec' ? 'value' : 'right')?.text ?? '');
      found = declaration?.node.id === parameter.id || derived;
    }
    return true;
  });
  return found;
}
