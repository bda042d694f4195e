// Does a value outlive the function that made it? Syntax shows the common
// ways out: returned (a named result too), stored in a field, a map or slice
// element, a composite literal or a package variable, sent on a channel,
// appended to something that is stored, or used by a goroutine or a function
// literal that is itself stored. A context-bound call whose result outlives
// the function must not get the function's context: the result would be
// closed when the caller's context ends.
import type { Node } from 'web-tree-sitter';
import { isNamedResult } from './context';
import type { GoFile } from './file';
import { enclosingFunction, isAncestor, namedChildren } from './syntax';

/** True when a result of `call` (directly, or through the local variables it is assigned to) outlives the function around it. */
export function resultOutlivesFunction(file: GoFile, call: Node): boolean {
  const fn = enclosingFunction(call);
  if (!fn) return true;
  // `return f(ctx)` hands the results to the caller: they outlive the function only if they are values that can hold
  // on to the context (a connection, a file), not plain errors, flags, numbers or strings.
  if (call.parent?.type === 'expression_list' && call.parent.parent?.type === 'return_statement') return returnsValues(fn);
  if (leavesDirectly(file, call)) return true;
  for (const target of assignedNames(call)) {
    if (target.type !== 'identifier') return true; // s.f, m[k]: stored
    if (target.text === '_' || target.text === 'err') continue;
    const declaration = file.resolution.resolve(target);
    if (!declaration) return true;
    const owner = enclosingFunction(declaration.node);
    if (!owner) return true; // a package variable
    if (isNamedResult(declaration.node, owner)) return true;
    for (const reference of file.resolution.referencesTo(declaration)) {
      if (leavesDirectly(file, reference) || usedByLaterCode(reference, fn)) return true;
    }
  }
  return false;
}

/** The left-hand operands that receive the results of `call` when it is the only right-hand value of an assignment. */
function assignedNames(call: Node): Node[] {
  const list = call.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || namedChildren(list).length !== 1) return [];
  if (statement?.type === 'short_var_declaration' || statement?.type === 'assignment_statement') {
    return statement.childForFieldName('right')?.id === list.id ? namedChildren(statement.childForFieldName('left')!) : [];
  }
  if (statement?.type === 'var_spec') return statement.childrenForFieldName('name').filter((n): n is Node => !!n);
  return [];
}

/** `return x`, `s.f = x`, `m[k] = x`, `T{x}`, `ch <- x`, `go f(x)`, `s.xs = append(s.xs, x)`. */
function leavesDirectly(file: GoFile, value: Node): boolean {
  const parent = value.parent;
  if (!parent) return false;
  if (parent.type === 'literal_element' || parent.type === 'keyed_element') return true;
  if (parent.type === 'send_statement') return parent.childForFieldName('value')?.id === value.id;
  if (parent.type === 'argument_list') {
    const call = parent.parent!;
    if (call.parent?.type === 'go_statement') return true;
    const callee = call.childForFieldName('function');
    if (callee?.type === 'identifier' && callee.text === 'append' && !file.resolution.resolve(callee)) return leavesDirectly(file, call) || assignedNames(call).some((t) => t.type !== 'identifier');
    return false;
  }
  if (parent.type !== 'expression_list') return false;
  const statement = parent.parent;
  if (statement?.type === 'return_statement') return true;
  if (statement?.type !== 'assignment_statement' || statement.childForFieldName('right')?.id !== parent.id) return false;
  const targets = namedChildren(statement.childForFieldName('left')!);
  const index = namedChildren(parent).findIndex((v) => v.id === value.id);
  const target = targets[index] ?? targets[0];
  if (!target) return false;
  if (target.type !== 'identifier') return true;
  const declaration = file.resolution.resolve(target);
  return !!declaration && !enclosingFunction(declaration.node); // a package variable
}

/**
 * True when `reference` is inside a `go` statement, or a function literal
 * that is stored or returned (not called on the spot, nor handed to a call
 * such as `g.Go(func() error {...})`, which is usually joined before the
 * function returns), within `fn`.
 */
function usedByLaterCode(reference: Node, fn: Node): boolean {
  for (let n = reference.parent; n && n.id !== fn.id; n = n.parent) {
    if (n.type === 'go_statement' || n.type === 'defer_statement') return n.type === 'go_statement';
    if (n.type === 'func_literal') {
      const parent = n.parent;
      if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id) continue;
      if (parent?.type === 'argument_list') continue;
      return isAncestor(fn, n);
    }
  }
  return false;
}

const PLAIN_RESULT = /^(error|bool|string|byte|rune|u?int(8|16|32|64)?|float(32|64))$/;

/** True when `fn` declares a result that is not an error, a flag, a number or a string. */
function returnsValues(fn: Node): boolean {
  const result = fn.childForFieldName('result');
  if (!result) return false;
  if (result.type !== 'parameter_list') return !PLAIN_RESULT.test(result.text);
  return namedChildren(result).some((declaration) => !PLAIN_RESULT.test(declaration.childForFieldName('type')?.text ?? ''));
}
