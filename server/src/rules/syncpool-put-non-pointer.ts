// syncpool-put-non-pointer: `pool.Put(buf)` with a slice or struct value:
// converting it to `any` allocates on every Put, which is what the pool was
// meant to avoid.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { declaredTypeOrValue } from '../engine/declared-types';
import { compactText, isPackageStruct, isSyncValue, textMaySyncValue } from '../engine/syncmap';
import { namedChildren, unparen } from '../engine/syntax';
import type { Rule } from '../ruleapi/rule';

type ValueKind = 'slice' | 'struct' | 'number';

/** Numbers wider than a byte: boxing one allocates unless it is below 256 (byte-sized types and bools never do). */
const WIDE_NUMBERS = new Set(['int', 'int16', 'int32', 'int64', 'uint', 'uint16', 'uint32', 'uint64', 'uintptr', 'rune', 'float32', 'float64', 'complex64', 'complex128']);

export const syncpoolPutNonPointer: Rule = {
  id: 'syncpool-put-non-pointer',
  category: 'sync',
  defaultSeverity: 'information',
  optIn: true,
  peers: [{ linter: 'staticcheck', checks: ['SA6002'] }],
  summary: 'A slice or struct value is put into a sync.Pool: every Put allocates to box it.',
  nodeTypes: ['call_expression'],
  tokens: ['Put('],
  // Only a sync.Pool can be the receiver: the file or another of its package names the type.
  mayFire: (text, path, packages) => textMaySyncValue(packages, path, text, 'Pool'),
  // The visited call is the finding's: its callee's name is in its own text.
  nodeTokens: ['Put'],
  visit(call, context) {
    const { file } = context;
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Put') return;
    const pool = fn.childForFieldName('operand');
    const args = call.childForFieldName('arguments');
    const list = args ? namedChildren(args) : [];
    if (!pool || list.length !== 1 || !isSyncValue(file, pool, 'Pool')) return;
    const kind = valueKind(file, list[0], 0);
    if (!kind) return;
    const name = compactText(pool);
    context.report({
      start: list[0].startIndex,
      end: list[0].endIndex,
      message:
        kind === 'slice'
          ? `a slice value is put into ${name}: boxing its header into an interface allocates on every Put, which defeats the pool; put a pointer (*[]T) instead`
          : kind === 'struct'
            ? `a struct value is put into ${name}: it is copied into a new allocation on every Put, and Get hands out copies; put a pointer instead`
            : `a number is put into ${name}: boxing it into an interface allocates on every Put (from 256 up), which defeats the pool; put a pointer instead`,
    });
  },
};

function valueKind(file: GoFile, expression: Node, depth: number): ValueKind | null {
  const e = unparen(expression);
  switch (e.type) {
    case 'composite_literal':
      return typeKind(file, e, e.childForFieldName('type'));
    case 'type_assertion_expression':
      return typeKind(file, e, e.childForFieldName('type'));
    case 'call_expression': {
      const f = e.childForFieldName('function');
      const args = e.childForFieldName('arguments');
      const builtin = f?.type === 'identifier' && !file.resolution.resolve(f) ? f.text : '';
      // int64(n): a conversion to a wide number (a constant argument is boxed at compile time, for free).
      if (WIDE_NUMBERS.has(builtin) && args && namedChildren(args).length === 1 && !isConstant(file, namedChildren(args)[0])) return 'number';
      if (builtin === 'make' && args && namedChildren(args)[0]?.type === 'slice_type') return 'slice';
      if (builtin === 'append') return 'slice';
      return null;
    }
    case 'slice_expression': {
      // Slicing a slice gives a slice (slicing a string gives a string).
      const operand = e.childForFieldName('operand');
      return operand && valueKind(file, operand, depth) === 'slice' ? 'slice' : null;
    }
    case 'identifier': {
      if (depth > 1) return null;
      const declaration = file.resolution.resolve(e);
      if (!declaration || declaration.kind !== 'local') return null;
      const { type, value } = declaredTypeOrValue(declaration);
      if (type) return typeKind(file, e, type);
      return value ? valueKind(file, value, depth + 1) : null;
    }
    default:
      return null;
  }
}

function typeKind(file: GoFile, at: Node, type: Node | null): ValueKind | null {
  if (!type) return null;
  if (type.type === 'slice_type') return 'slice';
  if (type.type === 'struct_type') return 'struct';
  if (type.type === 'type_identifier' && isPackageStruct(file, at, type.text)) return 'struct';
  if (type.type === 'type_identifier' && WIDE_NUMBERS.has(type.text) && !file.resolution.lookupAt(at, type.text)) return 'number';
  return null;
}

/** A literal, or a name declared const: its boxed value is made at compile time. */
function isConstant(file: GoFile, expression: Node): boolean {
  const e = unparen(expression);
  if (e.type === 'int_literal' || e.type === 'float_literal' || e.type === 'rune_literal' || e.type === 'imaginary_literal') return true;
  if (e.type !== 'identifier') return false;
  return file.resolution.resolve(e)?.node.parent?.type === 'const_spec';
}
