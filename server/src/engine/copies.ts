// Where a value is copied, without types: parameters, receivers and results
// declared by value, `x := *p`, `x := y`, and range value variables. Shared
// by the rules that report copies of types that must not be copied
// (sync.Map, sync.WaitGroup...). Which types hold such a value comes from
// holdsByValue (engine/syncmap.ts).
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import type { FileFactKind } from './package';
import { declaredType } from './declared-types';
import { holdsByValue, mayHoldByValue } from './syncmap';
import { namedChildren, topLevel, unparen, walk } from './syntax';

export type CopyKind = 'parameter' | 'receiver' | 'result' | 'dereference' | 'assignment' | 'range';

export interface Copy {
  kind: CopyKind;
  /** The node to underline: the type of a parameter/receiver/result, the copied expression, the range variable. */
  node: Node;
  /** The holder description from holdsByValue (`sync.Map`, `Cache`...). */
  holder: string;
  /** For parameters and receivers: the declaration and its type node. */
  parameter?: { declaration: Node; type: Node; function: Node; index: number };
  /** The name of the parameter, receiver or variable, when there is one. */
  name?: string;
}

/** Copies of values that hold a `sync.<syncType>` by value made by `fn`'s signature (function declaration, method or literal). */
export function signatureCopies(file: GoFile, fn: Node, syncType: string): Copy[] {
  const out: Copy[] = [];
  if (!fn.childForFieldName('body') || !mayHoldByValue(file, syncType)) return out;
  const receiver = fn.type === 'method_declaration' ? fn.childForFieldName('receiver') : null;
  for (const [list, kind] of [
    [receiver, 'receiver'],
    [fn.childForFieldName('parameters'), 'parameter'],
  ] as const) {
    if (!list) continue;
    let index = 0;
    for (const param of namedChildren(list)) {
      if (param.type !== 'parameter_declaration' && param.type !== 'variadic_parameter_declaration') continue;
      const type = param.childForFieldName('type');
      const names = param.childrenForFieldName('name').filter((n): n is Node => !!n);
      const holder = param.type === 'parameter_declaration' ? holdsByValue(file, type, syncType) : null;
      if (holder && type) {
        out.push({ kind, node: type, holder, parameter: { declaration: param, type, function: fn, index }, name: names.map((n) => n.text).join(', ') || undefined });
      }
      index += Math.max(1, names.length);
    }
  }
  const result = fn.childForFieldName('result');
  if (result) {
    const params = result.type === 'parameter_list' ? namedChildren(result) : [];
    // One entry per result value (`a, b T` declares two).
    const types = result.type === 'parameter_list' ? params.flatMap((p) => Array(Math.max(1, p.childrenForFieldName('name').length)).fill(p.childForFieldName('type'))) : [result];
    types.forEach((type: Node | null, index: number) => {
      const holder = holdsByValue(file, type, syncType);
      // Returning a fresh composite literal copies nothing that was used (go vet's rule too).
      if (holder && type && !returnsOnlyLiterals(fn, index, types.length) && !out.some((c) => c.node.id === type.id)) out.push({ kind: 'result', node: type, holder });
    });
  }
  return out;
}

/** True when every return statement of `fn` (not of nested literals) returns a composite literal as result `index`. */
function returnsOnlyLiterals(fn: Node, index: number, count: number): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  let all = true;
  let any = false;
  walk(body, (n) => {
    if (!all) return false;
    if (n !== body && (n.type === 'func_literal')) return false;
    if (n.type === 'return_statement') {
      const list = namedChildren(n).find((c) => c.type === 'expression_list');
      const values = list ? namedChildren(list) : [];
      if (values.length !== count) all = false;
      else {
        const v = unparen(values[index]);
        if (v.type === 'composite_literal') any = true;
        else all = false;
      }
    }
    return all;
  });
  return all && any;
}

/** Copies inside a statement: `x := *p` / `x = *p` / `var x = *p`, `x := y` with y declared by value, range value variables. */
export function statementCopies(file: GoFile, statement: Node, syncType: string): Copy[] {
  const out: Copy[] = [];
  if (!mayHoldByValue(file, syncType)) return out;
  if (statement.type === 'range_clause') {
    const left = statement.childForFieldName('left');
    const targets = left ? namedChildren(left) : [];
    const right = statement.childForFieldName('right');
    if (targets.length < 2 || targets[1].text === '_' || !right) return out;
    const source = unparen(right);
    const type = source.type === 'identifier' || source.type === 'selector_expression' ? declaredTypeOf(file, source) : null;
    const element = type && ['slice_type', 'array_type', 'map_type'].includes(type.type) ? type.childForFieldName(type.type === 'map_type' ? 'value' : 'element') : null;
    const holder = holdsByValue(file, element, syncType);
    if (holder) out.push({ kind: 'range', node: targets[1], holder, name: targets[1].text });
    return out;
  }
  let values: Node[] = [];
  let targets: Node[] = [];
  if (statement.type === 'short_var_declaration' || (statement.type === 'assignment_statement' && statement.childForFieldName('operator')?.text === '=')) {
    const left = statement.childForFieldName('left');
    const right = statement.childForFieldName('right');
    targets = left ? namedChildren(left) : [];
    values = right ? namedChildren(right) : [];
  } else if (statement.type === 'var_spec') {
    const right = statement.childForFieldName('value');
    values = right ? namedChildren(right) : [];
    targets = statement.childrenForFieldName('name').filter((n): n is Node => !!n);
  }
  if (values.length !== targets.length) return out;
  values.forEach((value, i) => {
    if (targets[i].text === '_') return;
    const v = unparen(value);
    if (v.type === 'unary_expression' && v.child(0)?.text === '*') {
      const operand = unparen(v.childForFieldName('operand')!);
      const type = operand.type === 'identifier' ? declaredTypeOf(file, operand) : null;
      const holder = type?.type === 'pointer_type' ? holdsByValue(file, type.namedChild(0), syncType) : null;
      if (holder) out.push({ kind: 'dereference', node: v, holder, name: targets[i].text });
    } else if (v.type === 'identifier') {
      const holder = holdsByValue(file, declaredTypeOf(file, v), syncType);
      if (holder) out.push({ kind: 'assignment', node: v, holder, name: targets[i].text });
    }
  });
  return out;
}

function declaredTypeOf(file: GoFile, expression: Node): Node | null {
  return expression.type === 'identifier' ? declaredType(file, expression) : null;
}

/**
 * The edits that make a by-value parameter a pointer: `T` becomes `*T`, and
 * each call of the function in this file passes `&x` (or `&T{...}`, or `p`
 * for `*p`). Null when the body uses the parameter other than through a
 * selector (`p.f`, `p.M()`), or when a call passes something whose address
 * cannot be taken, or for methods and function literals (their calls cannot
 * be found without types).
 */
export function pointerParameterEdits(file: GoFile, copy: Copy): { start: number; end: number; newText: string }[] | null {
  const p = copy.parameter;
  if (!p) return null;
  const names = p.declaration.childrenForFieldName('name').filter((n): n is Node => !!n);
  if (names.length > 1) return null;
  const edits = [{ start: p.type.startIndex, end: p.type.startIndex, newText: '*' }];
  for (const name of names) {
    const declaration = file.resolution.resolve(name);
    if (!declaration) return null;
    for (const ref of file.resolution.referencesTo(declaration)) {
      if (ref.parent?.type !== 'selector_expression' || ref.parent.childForFieldName('operand')?.id !== ref.id) return null;
    }
  }
  if (copy.kind === 'receiver') return edits;
  if (p.function.type !== 'function_declaration') return null;
  const fnName = p.function.childForFieldName('name');
  if (!fnName) return null;
  const fnDeclaration = file.resolution.resolve(fnName);
  // The edits reach every call site of the function in the file.
  file.dependsOn(fnName.text);
  let ok = true;
  walk(file.root, (n) => {
    if (!ok) return false;
    if (n.type === 'identifier' && n.text === fnName.text && n.id !== fnName.id && file.resolution.resolve(n) === fnDeclaration) {
      const call = n.parent;
      if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== n.id) {
        ok = false;
        return false;
      }
      const args = namedChildren(call.childForFieldName('arguments')!);
      const arg = args[p.index] ? unparen(args[p.index]) : null;
      if (!arg || args.length <= p.index || call.childForFieldName('arguments')!.text.includes('...')) ok = false;
      else if (arg.type === 'identifier' || arg.type === 'composite_literal' || (arg.type === 'selector_expression' && /^[A-Za-z_][\w.]*$/.test(arg.text))) edits.push({ start: args[p.index].startIndex, end: args[p.index].startIndex, newText: '&' });
      else if (arg.type === 'unary_expression' && arg.child(0)?.text === '*') edits.push({ start: arg.startIndex, end: arg.childForFieldName('operand')!.startIndex, newText: '' });
      else ok = false;
    }
    return ok;
  });
  return ok ? edits : null;
}

const identifiersByFile = new WeakMap<GoFile, { packageName: string; names: Set<string> }[]>();

/** Per file: the package name and every identifier used in the file. */
const IDENTIFIERS: FileFactKind<{ packageName: string; names: Set<string> }> = {
  key: 'copies-identifiers',
  compute(root) {
    const names = new Set<string>();
    walk(root, (n) => {
      if (n.type === 'identifier') names.add(n.text);
      return true;
    });
    return { packageName: topLevel(root).find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '', names };
  },
};

/**
 * True when the pointer-parameter edits are safe to apply blindly: the
 * function is unexported and declared at file level, and no other file of
 * the package mentions its name (so every call was rewritten).
 */
export function pointerParameterIsLocal(file: GoFile, copy: Copy): boolean {
  const fn = copy.parameter?.function;
  if (copy.kind !== 'parameter' || fn?.type !== 'function_declaration') return false;
  const name = fn.childForFieldName('name')?.text ?? '';
  if (!/^[a-z_]/.test(name) || name === 'main' || name === 'init') return false;
  let siblings = identifiersByFile.get(file);
  if (!siblings) identifiersByFile.set(file, (siblings = file.siblingFacts(IDENTIFIERS)));
  return !siblings.some((f) => f.names.has(name));
}
