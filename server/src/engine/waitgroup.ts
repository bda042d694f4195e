// sync.WaitGroup facts from the syntax: whether a variable is declared as a
// WaitGroup (or a pointer to one) where its declaration is visible.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { fieldTypeOf, isNamedType } from './declared-types';
import { unparen } from './syntax';

/**
 * True when `identifier` refers to a variable whose visible declaration
 * makes it a sync.WaitGroup or *sync.WaitGroup: `var wg sync.WaitGroup`,
 * `wg := &sync.WaitGroup{}`, `wg := new(sync.WaitGroup)`, a parameter
 * `wg *sync.WaitGroup`. False when the declaration is not in this file.
 */
export function isWaitGroupVariable(file: GoFile, identifier: Node): boolean {
  const declaration = file.resolution.resolve(identifier);
  if (!declaration || declaration.kind === 'import') return false;
  const name = declaration.node;
  const parent = name.parent;
  if (!parent) return false;
  const isWaitGroup = (type: Node | null): boolean => {
    if (!type) return false;
    const t = type.type === 'pointer_type' ? type.namedChild(0) : type;
    return !!t && file.isPackageType(t, 'sync', 'WaitGroup');
  };
  if (parent.type === 'parameter_declaration' || parent.type === 'var_spec') {
    const type = parent.childForFieldName('type');
    if (type) return isWaitGroup(type);
    if (parent.type !== 'var_spec') return false;
    const names = parent.childrenForFieldName('name').filter((n): n is Node => !!n);
    const values = parent.childForFieldName('value')?.namedChildren ?? [];
    const value = values[names.findIndex((n) => n.id === name.id)];
    return !!value && makesWaitGroup(file, value);
  }
  if (parent.type === 'expression_list' && parent.parent?.type === 'short_var_declaration' && parent.parent.childForFieldName('left')?.id === parent.id) {
    const index = parent.namedChildren.findIndex((n) => n?.id === name.id);
    const value = parent.parent.childForFieldName('right')?.namedChildren[index];
    return !!value && makesWaitGroup(file, value);
  }
  return false;
}

/** `sync.WaitGroup{}`, `&sync.WaitGroup{}`, `new(sync.WaitGroup)`. */
function makesWaitGroup(file: GoFile, expression: Node): boolean {
  let e = unparen(expression);
  if (e.type === 'unary_expression' && e.child(0)?.type === '&') e = unparen(e.childForFieldName('operand')!);
  if (e.type === 'composite_literal') {
    const type = e.childForFieldName('type');
    return !!type && file.isPackageType(type, 'sync', 'WaitGroup');
  }
  if (e.type === 'call_expression') {
    const callee = e.childForFieldName('function');
    const args = e.childForFieldName('arguments')?.namedChildren ?? [];
    return callee?.type === 'identifier' && callee.text === 'new' && !file.resolution.resolve(callee) && args.length === 1 && !!args[0] && file.isPackageType(args[0], 'sync', 'WaitGroup');
  }
  return false;
}

/** A WaitGroup variable (isWaitGroupVariable), or a field declared `sync.WaitGroup` or `*sync.WaitGroup` (`s.wg`, `s.writer.wg`). */
export function isWaitGroupExpression(file: GoFile, expression: Node): boolean {
  const e = unparen(expression);
  if (e.type === 'identifier') return isWaitGroupVariable(file, e);
  return e.type === 'selector_expression' && isNamedType(fieldTypeOf(file, e), 'sync', 'WaitGroup');
}
