// loop-ignores-context: a function that receives a context runs a `for { }`
// loop that blocks, never leaves, and never looks at the context: cancelling
// the context cannot stop it.
import type { Node } from 'web-tree-sitter';
import { blockingOperations, selectHasDefault } from '../engine/blocking';
import { contextInScope } from '../engine/context';
import { looksAtContext } from '../engine/context-flow';
import { hasDetachedComment } from '../engine/context-use';
import type { GoFile } from '../engine/file';
import { isInfiniteLoop, loopJumps } from '../engine/loops';
import { enclosingFunction, indentationAt, namedChildren, statementsOf, topLevelFunction } from '../engine/syntax';
import { insertLineBefore } from '../ruleapi/edits';
import type { Fix, Rule } from '../ruleapi/rule';

export const loopIgnoresContext: Rule = {
  id: 'loop-ignores-context',
  category: 'context',
  defaultSeverity: 'warning',
  summary: 'A function that receives a context runs an endless blocking loop that never checks the context.',
  // Functions too: the linter hands nodes over in source order, so the rule keeps the loops and functions it is
  // inside of without walking up the tree (reaching a parent costs the depth of the tree, cubic over deep nesting).
  nodeTypes: ['for_statement', 'function_declaration', 'method_declaration', 'func_literal'],
  tokens: ['"context"'],
  visit(node, context) {
    const { file } = context;
    const frames = enclosingFrames(file, node);
    if (node.type !== 'for_statement') {
      frames.push({ start: node.startIndex, end: node.endIndex, loop: false, reported: false });
      return;
    }
    // Report the outermost such loop of a function only: an enclosing loop of the same function was reported.
    const frame = { start: node.startIndex, end: node.endIndex, loop: true, reported: false };
    for (let i = frames.length - 1; i >= 0 && frames[i].loop; i--) {
      if (frames[i].reported) {
        frames.push(frame);
        return;
      }
    }
    frames.push(frame);
    const found = check(file, node);
    if (!found) return;
    frame.reported = true;
    const { ctx, blocking } = found;
    context.report({
      start: node.startIndex,
      end: node.startIndex + 3,
      message: `this loop never ends and never checks ${ctx}: it blocks on ${blocking.description} and no code in it uses ${ctx}, so cancelling ${ctx} cannot stop it`,
      related: [{ start: blocking.node.startIndex, end: blocking.node.type === 'select_statement' ? blocking.node.startIndex + 6 : firstLineEnd(file, blocking.node), message: 'it blocks here' }],
      fixes: fixes(file, node, ctx, found.parameter),
    });
  },
};

interface Frame {
  start: number;
  end: number;
  loop: boolean;
  reported: boolean;
}

/** Per version of a file: the loops and functions around the node being visited, outermost first. */
const framesByFile = new WeakMap<GoFile, Frame[]>();

/** The frames that contain `node` (the others are left behind: nodes come in source order). */
function enclosingFrames(file: GoFile, node: Node): Frame[] {
  let frames = framesByFile.get(file);
  if (!frames) framesByFile.set(file, (frames = []));
  while (frames.length && !(frames[frames.length - 1].start <= node.startIndex && node.endIndex <= frames[frames.length - 1].end)) frames.pop();
  return frames;
}

function firstLineEnd(file: GoFile, node: Node): number {
  const lineEnd = file.text.indexOf('\n', node.startIndex);
  return lineEnd < 0 || lineEnd > node.endIndex ? node.endIndex : lineEnd;
}

interface Found {
  ctx: string;
  parameter: Node;
  blocking: { node: Node; description: string };
}

function check(file: GoFile, loop: Node): Found | null {
  if (!isInfiniteLoop(loop)) return null;
  const body = loop.childForFieldName('body');
  if (!body) return null;
  // A context parameter in scope first: most endless loops have none, and then their bodies need no walk.
  const scope = contextInScope(file, loop);
  if (!scope || scope.kind !== 'context') return null;
  const blocking = blockingOperations(file, body);
  if (blocking.length === 0) return null;
  // A loop that can be left (return, break, goto) ends some other way: a closed channel, an error.
  if (loopJumps(loop).some((j) => j.kind !== 'continue')) return null;
  const parameter = file.resolution.resolve(scope.parameter);
  if (!parameter) return null;
  if (looksAtContext(file, body, parameter)) return null;
  if (isMainOrInit(file, loop) || isDetached(file, loop)) return null;
  return { ctx: scope.expression, parameter: scope.parameter, blocking: blocking[0] };
}

function isMainOrInit(file: GoFile, loop: Node): boolean {
  const top = topLevelFunction(loop);
  const name = top?.type === 'function_declaration' ? top.childForFieldName('name')?.text : undefined;
  return name === 'init' || (name === 'main' && file.packageName === 'main');
}

/** A `// detached: ...` comment on or above the loop, the go statement or the function that runs it. */
function isDetached(file: GoFile, loop: Node): boolean {
  if (hasDetachedComment(file, loop)) return true;
  for (let fn = enclosingFunction(loop); fn; fn = enclosingFunction(fn)) {
    if (hasDetachedComment(file, fn)) return true;
  }
  return false;
}

/**
 * `case <-ctx.Done(): return ...` in the select the loop body runs on every
 * iteration, or `if ctx.Err() != nil { return ... }` at the top of the body.
 * The returned values must be known zero values; preferred for functions
 * that return nothing or only an error.
 */
function fixes(file: GoFile, loop: Node, ctx: string, parameter: Node): Fix[] {
  const fn = enclosingFunction(loop);
  const body = loop.childForFieldName('body');
  if (!fn || !body) return [];
  const values = zeroResults(file, fn, ctx);
  if (values === null) return [];
  const statements = statementsOf(body);
  if (statements.length === 0) return [];
  const ret = values.length ? `return ${values.join(', ')}` : 'return';
  const preferred = values.length === 0 || (values.length === 1 && values[0] === `${ctx}.Err()`);
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  const select = statements.find((s) => s.type === 'select_statement');
  if (select && !selectHasDefault(select)) {
    const first = namedChildren(select).find((c) => c.type === 'communication_case');
    if (!first || !visible(file, first, ctx, parameter)) return [];
    const indentation = indentationAt(file.text, first.startIndex);
    return [
      {
        title: `Add case <-${ctx}.Done(): ${ret}`,
        edits: [insertLineBefore(file.text, first, `case <-${ctx}.Done():${newline}${indentation}\t${ret}`)],
        preferred,
      },
    ];
  }
  const top = statements[0];
  if (!visible(file, top, ctx, parameter)) return [];
  const indentation = indentationAt(file.text, top.startIndex);
  return [
    {
      title: `Check ${ctx}.Err() at the top of each iteration`,
      edits: [insertLineBefore(file.text, top, `if ${ctx}.Err() != nil {${newline}${indentation}\t${ret}${newline}${indentation}}`)],
      preferred,
    },
  ];
}

function visible(file: GoFile, at: Node, ctx: string, parameter: Node): boolean {
  return file.resolution.lookupAt(at, ctx)?.node.id === parameter.id;
}

const NUMERIC = /^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune)$/;

/** The zero values of `fn`'s results (`ctx.Err()` for an error), or null when a result type is not a simple known type. */
function zeroResults(file: GoFile, fn: Node, ctx: string): string[] | null {
  const result = fn.childForFieldName('result');
  if (!result) return [];
  const types: Node[] = [];
  if (result.type === 'parameter_list') {
    for (const declaration of namedChildren(result)) {
      const type = declaration.childForFieldName('type');
      if (!type) return null;
      const names = declaration.childrenForFieldName('name').filter((n) => !!n).length;
      for (let i = 0; i < Math.max(1, names); i++) types.push(type);
    }
  } else {
    types.push(result);
  }
  const values: string[] = [];
  for (const type of types) {
    const name = type.type === 'type_identifier' && !file.resolution.lookupAt(type, type.text) ? type.text : null;
    if (name === 'error') values.push(`${ctx}.Err()`);
    else if (name === 'string') values.push('""');
    else if (name === 'bool') values.push('false');
    else if (name === 'any') values.push('nil');
    else if (name && NUMERIC.test(name)) values.push('0');
    else if (['pointer_type', 'slice_type', 'map_type', 'channel_type', 'function_type', 'interface_type'].includes(type.type)) values.push('nil');
    else return null;
  }
  return values;
}
