// context-growth-in-loop: `ctx = context.WithValue(ctx, ...)` (or any With*
// that reassigns its own parent) inside a loop, or inside a function literal
// that is called over and over: the context chain grows by one link each
// time.
import type { Node } from 'web-tree-sitter';
import { textMayDeriveContext, type DerivingCall } from '../engine/context-flow';
import { derivingCallOrSummary } from '../engine/summaries';
import type { GoFile } from '../engine/file';
import { isInfiniteLoop, isRepeatedCallback } from '../engine/loops';
import type { Declaration } from '../engine/scope';
import { enclosingFunction, isAncestor, namedChildren, walk } from '../engine/syntax';
import { runsAgain } from '../engine/reach';
import type { Fix, Rule } from '../ruleapi/rule';

export const contextGrowthInLoop: Rule = {
  id: 'context-growth-in-loop',
  category: 'context',
  defaultSeverity: 'warning',
  peers: [{ linter: 'fatcontext' }],
  summary: 'A context variable is re-derived from itself on every iteration of a loop, so its chain of parents grows without end.',
  nodeTypes: ['assignment_statement'],
  // The derivation may be in a function of another file of the package (`ctx = tagged(ctx, id)`): the file then
  // still names the context's type or source (`ctx context.Context`, `r.Context()`). Package words would parse a
  // whole context-using package for every file of it (15% slower on Go's tree).
  tokens: ['Context', 'WithValue', 'WithCancel', 'WithTimeout', 'WithDeadline', 'WithoutCancel'],
  // Then, before parsing: this file or another of its package derives a context somewhere.
  mayFire: (text, path, packages) => textMayDeriveContext(packages, path, text),
  visit(statement, context) {
    const { file } = context;
    if (!statement.children.some((c) => c?.type === '=')) return;
    const left = statement.childForFieldName('left');
    const right = statement.childForFieldName('right');
    if (!left || !right) return;
    const values = namedChildren(right);
    const targets = namedChildren(left);
    if (values.length !== 1 || targets.length < 1 || targets.length > 2) return;
    const derive = derivingCallOrSummary(file, values[0]);
    if (!derive || derive.parent.type !== 'identifier') return;
    const target = targets[0];
    if (target.type !== 'identifier') return;
    const variable = file.resolution.resolve(target);
    if (!variable || variable.kind !== 'local' || file.resolution.resolve(derive.parent) !== variable) return;

    const region = repetition(file, statement, variable);
    if (!region) return;
    // A derivation whose iteration always returns or breaks after it is never run again on its own result.
    const fn = enclosingFunction(statement);
    const graph = region.kind === 'loop' && fn && enclosingFunction(region.node)?.id === fn.id ? file.cfg(fn) : undefined;
    if (graph && !runsAgain(graph, statement)) return;
    const references = file.resolution.referencesTo(variable);
    // Reset inside the loop (`ctx = base`): the chain does not carry over.
    if (references.some((r) => isAncestor(region.node, r) && isReassigned(file, r, variable))) return;
    // A loop over a list may build one context from it on purpose: read after the loop, or only derived in it.
    // Not an endless loop nor a repeated callback: their chain has no end.
    const bounded = region.kind === 'loop' && !isInfiniteLoop(region.node);
    if (bounded && references.some((r) => r.startIndex >= region.node.endIndex)) return;
    if (bounded && !references.some((r) => isAncestor(region.node, r) && !isGrowth(file, r, variable))) return;

    const name = target.text;
    const end = region.node.childForFieldName('body')?.endIndex ?? region.node.endIndex;
    const where = region.kind === 'loop' ? 'each iteration of this loop' : 'each call of this function literal, which is called repeatedly';
    context.report({
      start: statement.startIndex,
      end: statement.endIndex,
      message: `${name} is derived from itself on ${where}, so its chain of parent contexts grows by one link every time: nothing in the chain is freed and every Value, Done and Err call walks all of it`,
      related: [{ start: end - 1, end, message: region.kind === 'loop' ? `the next iteration starts here with the longer ${name}` : `the next call starts with the longer ${name}` }],
      fixes: fixes(file, statement, targets, region.node, derive),
    });
  },
};

interface Region {
  node: Node;
  kind: 'loop' | 'callback';
}

/**
 * The innermost loop (or repeatedly called function literal) that contains
 * `statement` but not the declaration of `variable`: the construct that runs
 * the statement again on the same variable.
 */
function repetition(file: GoFile, statement: Node, variable: Declaration): Region | null {
  for (let n = statement.parent, child: Node = statement; n; child = n, n = n.parent) {
    if (isAncestor(n, variable.node)) return null;
    if (n.type === 'for_statement' && n.childForFieldName('body')?.id === child.id) return { node: n, kind: 'loop' };
    if (n.type === 'func_literal' && isRepeatedCallback(file, n)) return { node: n, kind: 'callback' };
  }
  return null;
}

/** True when `reference` is part of a statement `v = context.With*(v, ...)` (as its target or parent argument). */
function isGrowth(file: GoFile, reference: Node, variable: Declaration): boolean {
  for (let n = reference.parent; n; n = n.parent) {
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
      const targets = namedChildren(n.childForFieldName('left')!);
      const values = namedChildren(n.childForFieldName('right')!);
      const derive = values.length === 1 ? derivingCallOrSummary(file, values[0]) : null;
      return (
        !!derive &&
        derive.parent.type === 'identifier' &&
        file.resolution.resolve(derive.parent) === variable &&
        targets[0]?.type === 'identifier' &&
        file.resolution.resolve(targets[0]) === variable &&
        (reference.id === targets[0].id || reference.id === derive.parent.id)
      );
    }
    if (n.type === 'block' || n.type === 'func_literal') return false;
  }
  return false;
}

/** True when `reference` is a target of an assignment that does not derive from the variable itself. */
function isReassigned(file: GoFile, reference: Node, variable: Declaration): boolean {
  const list = reference.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || !statement || statement.childForFieldName('left')?.id !== list.id) return false;
  if (statement.type !== 'assignment_statement' && statement.type !== 'short_var_declaration') return false;
  const values = namedChildren(statement.childForFieldName('right')!);
  const derive = values.length === 1 ? derivingCallOrSummary(file, values[0]) : null;
  return !(derive && derive.parent.type === 'identifier' && file.resolution.resolve(derive.parent) === variable);
}

/**
 * `ctx := ...` in place of `ctx = ...`: each iteration then derives from the
 * context the loop started with, for the rest of the block. Offered only when
 * it compiles (each new variable is used later in the block); preferred only
 * when it cannot change what the code sees: the statement is the only
 * mention of the variables in the loop before the rest of its block, nothing
 * reads them outside that block after the loop starts, and the call is a
 * WithValue with the same key every time (the newest value shadows the
 * older ones anyway) or a WithoutCancel.
 */
function fixes(file: GoFile, statement: Node, targets: Node[], region: Node, derive: DerivingCall): Fix[] {
  const block = statement.parent;
  if (block?.type !== 'statement_list') return [];
  let keepsMeaning = derive.name === 'WithoutCancel' || (derive.name === 'WithValue' && !!derive.rest[0] && isInvariant(file, derive.rest[0], region));
  for (const target of targets) {
    if (target.type !== 'identifier') return [];
    if (target.text === '_') continue;
    const declaration = file.resolution.resolve(target);
    if (!declaration) return [];
    const references = file.resolution.referencesTo(declaration).filter((r) => r.id !== target.id && !isAncestor(statement, r));
    const later = references.filter((r) => isAncestor(block, r) && r.startIndex > statement.endIndex);
    if (later.length === 0) return []; // `:=` would declare a variable that is never used.
    if (references.some((r) => r.startIndex >= region.startIndex && !later.includes(r))) keepsMeaning = false;
  }
  if (!targets.some((t) => t.text !== '_')) return [];
  const operator = statement.children.find((c) => c?.type === '=')!;
  return [
    {
      title: `Declare a new ${targets.map((t) => t.text).join(', ')} for this iteration (:=)`,
      edits: [{ start: operator.startIndex, end: operator.endIndex, newText: ':=' }],
      preferred: keepsMeaning,
    },
  ];
}

/** True when the key expression is the same on every run: no call, no variable declared in the loop. */
function isInvariant(file: GoFile, key: Node, region: Node): boolean {
  let invariant = true;
  walk(key, (n) => {
    if (n.type === 'call_expression' || n.type === 'func_literal') invariant = false;
    if (n.type === 'identifier') {
      const d = file.resolution.resolve(n);
      if (d && d.kind === 'local' && isAncestor(region, d.node)) invariant = false;
    }
    return invariant;
  });
  return invariant;
}
