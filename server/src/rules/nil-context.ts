// nil-context: nil passed where a context.Context is expected. Code that
// receives it panics as soon as it calls ctx.Done(), ctx.Err() or ctx.Value().
import type { Node } from 'web-tree-sitter';
import { contextParameterCall } from '../engine/context-use';
import type { GoFile } from '../engine/file';
import { namedChildren } from '../engine/syntax';
import { replaceNode } from '../ruleapi/edits';
import type { Fix, Rule } from '../ruleapi/rule';

export const nilContext: Rule = {
  id: 'nil-context',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'staticcheck', checks: ['SA1012'] }],
  summary: 'nil is passed where a context.Context is expected.',
  // The nil itself: a file holds far fewer nils than calls.
  nodeTypes: ['nil'],
  // A *Context(nil...) call, or a call of a package function that takes a context (declared in any file of the package).
  tokens: ['Context(nil'],
  packageTokens: ['"context"'],
  // The finding is a call whose first argument is nil (comments may come between).
  mayFire: (text) => FIRST_ARGUMENT_NIL.test(text),
  visit(nil, context) {
    const { file } = context;
    let first = nil;
    while (first.parent?.type === 'parenthesized_expression') first = first.parent;
    const args = first.parent;
    const call = args?.type === 'argument_list' ? args.parent : null;
    if (!call || call.type !== 'call_expression' || namedChildren(args!)[0]?.id !== first.id) return;
    const target = contextParameterCall(file, call);
    if (!target) return;
    const fixes: Fix[] = [];
    const local = contextPackageName(file, call);
    if (local !== null) {
      fixes.push({ title: `Replace nil with ${local}TODO()`, edits: [replaceNode(first, `${local}TODO()`)], preferred: target.certain });
    }
    context.report({
      start: first.startIndex,
      end: first.endIndex,
      message: `nil is passed as the context of ${target.displayName}, which ${target.failure}; pass the caller's context, or context.TODO() if there is none yet`,
      fixes,
    });
  },
};

const FIRST_ARGUMENT_NIL = /\((?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*nil\b/;

/**
 * How the context package is written at `at` (`context.`, `ctxpkg.`, or ``
 * for a dot import), when it is imported and that name is not shadowed
 * there; null otherwise (the fix would need a new import).
 */
function contextPackageName(file: GoFile, at: Node): string | null {
  for (const [name, path] of file.imports.byName) {
    if (path === 'context' && !file.resolution.lookupAt(at, name)) return `${name}.`;
  }
  if (file.imports.dotImported.has('context') && !file.resolution.lookupAt(at, 'TODO')) return '';
  return null;
}
