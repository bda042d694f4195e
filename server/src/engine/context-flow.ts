// How contexts flow through a function: the context package's functions
// that derive a child from a parent (context.WithValue, WithCancel...), and
// the local variables whose value is computed from a context variable.
import type { Node } from 'web-tree-sitter';
import { GoFile } from './file';
import type { FileFactKind, PackageIndex } from './package';
import type { Declaration } from './scope';
import { enclosingFunction, namedChildren, unparen, walk } from './syntax';

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
const DERIVES = /\bWith(Value|Cancel|Timeout|Deadline|outCancel)/;

/**
 * False when no call in the file at `path` with `text` can derive a context
 * (derivingCallOrSummary): neither it nor another file of its package holds
 * the name of one of context's deriving functions. Before parsing.
 */
export function textMayDeriveContext(packages: PackageIndex, path: string, text: string): boolean {
  return DERIVES.test(text) || packages.siblingMentions(path, DERIVES);
}

/** Per file: its package name, and its functions that return a context derived from one of their parameters (name → parameter index). */
export const DERIVING_FUNCTIONS: FileFactKind<{ packageName: string; byName: Map<string, number> }> = {
  key: 'context-flow.derivingFunctions',
  // Imports, and the functions whose body can derive a context (derivedParameterIndex's own first test).
  reads: (keyword, text) => keyword === 'import' || (keyword === 'func' && DERIVES.test(text)),
  compute(root, path, text, own) {
    const file = own ?? new GoFile(path, text, root.tree);
    const byName = new Map<string, number>();
    for (const fn of namedChildren(root)) {
      if (fn.type !== 'function_declaration' || !fn.childForFieldName('result')) continue;
      const name = fn.childForFieldName('name')?.text;
      const body = fn.childForFieldName('body');
      const parameters = fn.childForFieldName('parameters');
      if (!name || !body || !parameters) continue;
      const names = namedChildren(parameters).flatMap((p) => (p.type === 'parameter_declaration' ? p.childrenForFieldName('name').filter((n): n is Node => !!n) : [null]));
      const index = derivedParameterIndex(file, fn, body, names);
      if (index !== undefined) byName.set(name, index);
    }
    return { packageName: file.packageName, byName };
  },
};

/** The index of the parameter every return of the function derives its first value from (`return context.WithValue(ctx, k, v)`), if one. */
function derivedParameterIndex(file: GoFile, fn: Node, body: Node, parameters: (Node | null)[]): number | undefined {
  // Cheap first: a function whose text derives no context cannot return one derived.
  if (!DERIVES.test(body.text)) return undefined;
  let index: number | undefined;
  let returns = 0;
  for (const ret of body.descendantsOfType('return_statement')) {
    if (!ret || enclosingFunction(ret)?.id !== fn.id) continue;
    returns++;
    const values = ret.namedChild(0);
    const first = values?.type === 'expression_list' ? values.namedChild(0) : values;
    const derive = first ? derivingCall(file, unparen(first)) : null;
    const declaration = derive?.parent.type === 'identifier' ? file.resolution.resolve(derive.parent) : undefined;
    const i = declaration ? parameters.findIndex((p) => p?.id === declaration.node.id) : -1;
    if (i < 0 || (index !== undefined && index !== i)) return undefined;
    index = i;
  }
  return returns > 0 ? index : undefined;
}

/**
 * `context.With*(parent, ...)`, or a call of a function of the package that
 * returns a context derived from one of its parameters
 * (`func tagged(ctx context.Context, id string) context.Context { return
 * context.WithValue(ctx, idKey{}, id) }`): its parts, the parent being the
 * argument in that parameter's place.
 */
export function derivingCallOrSummary(file: GoFile, call: Node): DerivingCall | null {
  const direct = derivingCall(file, call);
  if (direct || call.type !== 'call_expression') return direct;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier') return null;
  const index = file
    .packageFacts(DERIVING_FUNCTIONS)
    .filter((f) => f.packageName === file.packageName)
    .map((f) => f.byName.get(callee.text))
    .find((i) => i !== undefined);
  if (index === undefined) return null;
  // A local function value is not known; a function of this file or of another file of the package is (names first: resolving costs more).
  const declaration = file.resolution.resolve(callee);
  if (declaration && (declaration.kind !== 'package' || declaration.node.parent?.type !== 'function_declaration')) return null;
  const args = call.childForFieldName('arguments');
  const list = args ? namedChildren(args) : [];
  if (index >= list.length || args?.children.some((c) => c?.type === '...')) return null;
  return { name: callee.text, parent: unparen(list[index]), rest: list.filter((_, i) => i !== index) };
}
