// How contexts flow through a function: the context package's functions
// that derive a child from a parent (context.WithValue, WithCancel...), and
// the local variables whose value is computed from a context variable.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import type { PackageIndex } from './package';
import type { Declaration } from './scope';
import { namedChildren, unparen, walk } from './syntax';

const DERIVING = new Set([
  'WithValue',
  'WithCancel',
  'WithCancelCause',
  'WithTimeout',
  'WithTimeoutCause',
  'WithDeadline',
  'WithDeadlineCause',
  'WithoutCancel',
]);

export interface DerivingCall {
  /** `WithValue`, `WithTimeout`... */
  name: string;
  /** The parent context argument. */
  parent: Node;
  /** The arguments after the parent. */
  rest: Node[];
}

/** When `call` is context.With*(parent, ...) (aliases and dot imports respected), its parts. */
export function derivingCall(file: GoFile, call: Node): DerivingCall | null {
  if (call.type !== 'call_expression') return null;
  const callee = call.childForFieldName('function');
  const name = callee ? file.packageMember(callee, 'context') : null;
  if (!name || !DERIVING.has(name)) return null;
  const args = call.childForFieldName('arguments');
  const list = args ? namedChildren(args) : [];
  if (list.length === 0) return null;
  return { name, parent: unparen(list[0]), rest: list.slice(1) };
}

/**
 * `seed` and the local variables whose value is computed from it, directly
 * or through other such variables: `done := ctx.Done()`, `w := &worker{ctx:
 * ctx}`, `req = req.WithContext(ctx)`, `s.ctx = ctx` (then `s` counts).
 */
export function valuesDerivedFrom(file: GoFile, seed: Declaration): Set<Declaration> {
  const result = new Set<Declaration>([seed]);
  const work = [seed];
  while (work.length) {
    const declaration = work.pop()!;
    for (const reference of file.resolution.referencesTo(declaration)) {
      for (const target of assignedFrom(reference)) {
        const root = rootIdentifier(target);
        const d = root ? file.resolution.resolve(root) : undefined;
        if (d && d.kind === 'local' && !result.has(d)) {
          result.add(d);
          work.push(d);
        }
      }
    }
  }
  return result;
}

/** The targets of the assignment or declaration whose right side contains `reference`. */
function assignedFrom(reference: Node): Node[] {
  for (let n: Node | null = reference, child: Node | null = null; n; child = n, n = n.parent) {
    switch (n.type) {
      case 'short_var_declaration':
      case 'assignment_statement':
      case 'range_clause':
        return n.childForFieldName('right')?.id === child?.id ? namedChildren(n.childForFieldName('left') ?? n) : [];
      case 'var_spec':
        return n.childrenForFieldName('value').some((v) => v?.id === child?.id) ? n.childrenForFieldName('name').filter((x): x is Node => !!x) : [];
      case 'block':
      case 'func_literal':
      case 'function_declaration':
      case 'method_declaration':
        return [];
    }
  }
  return [];
}

/** `s` for `s`, `s.f`, `s.f[i]`, `*s`. */
function rootIdentifier(target: Node): Node | null {
  let n: Node | null = unparen(target);
  while (n && n.type !== 'identifier') {
    if (n.type === 'selector_expression') n = n.childForFieldName('operand');
    else if (n.type === 'index_expression') n = n.childForFieldName('operand');
    else if (n.type === 'unary_expression') n = n.childForFieldName('operand');
    else return null;
  }
  return n;
}

/**
 * Whether code looks at the context `parameter`: mentions it or a value
 * made from it, watches some other context (`s.ctx.Done()`, `x.Err()`), or
 * calls something that ends the goroutine (runtime.Goexit, log.Fatal,
 * panic). Code that does none of these cannot be stopped by cancelling it.
 */
export function looksAtContext(file: GoFile, code: Node, parameter: Declaration): boolean {
  const derived = valuesDerivedFrom(file, parameter);
  let looks = false;
  walk(code, (n) => {
    if (looks) return false;
    if (n.type === 'identifier') {
      const d = file.resolution.resolve(n);
      if (d && derived.has(d)) looks = true;
    } else if (n.type === 'call_expression') {
      const callee = n.childForFieldName('function');
      const method = callee?.type === 'selector_expression' ? callee.childForFieldName('field')?.text : undefined;
      if (method === 'Done' || method === 'Err' || file.neverReturns(n)) looks = true;
    }
    return !looks;
  });
  return looks;
}

/** The names of context's deriving functions (their text is in every code that derives a context). */
export const DERIVES = /\bWith(Value|Cancel|Timeout|Deadline|outCancel)/;

/**
 * False when no call in the file at `path` with `text` can derive a context
 * (derivingCallOrSummary): neither it nor another file of its package holds
 * the name of one of context's deriving functions. Before parsing.
 */
export function textMayDeriveContext(packages: PackageIndex, path: string, text: string): boolean {
  return DERIVES.test(text) || packages.siblingMentions(path, DERIVES);
}
