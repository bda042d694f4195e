// The package model's declared types, from syntax alone: the type each
// struct field and package variable of a package is declared with, the type
// a local name is declared with or made as (`&T{}`, `T{}`, `new(T)`), and so
// the declared type of a field selector `x.f` when the type of `x` is known
// (a receiver, a parameter, a local made here) or every field of that name in
// the package agrees. Rule families ask here instead of reading declarations
// themselves.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { readImports, type Imports } from './imports';
import { topLevelDeclarations } from './declarations';
import type { FileFactKind } from './package';
import type { Declaration } from './scope';
import { namedChildren, unparen, walk } from './syntax';

/** A type as its declaration spells it. */
export interface DeclaredType {
  /** The import path of a qualified type (`time.Ticker`: 'time'); '' for a type of this package, a predeclared one, or a type literal. */
  path: string;
  /** The type's name without package or type arguments; '' for a type literal (map, slice, func, channel, struct...). */
  name: string;
  /** Declared as a pointer to the named type (`*T`). */
  pointer: boolean;
  /** A type literal's kind: 'chan', 'map', 'slice', 'func', 'struct', 'interface'...; '' for a named type. */
  literal: string;
  /** The import paths dot-imported by the declaring file: an unqualified name may come from one of them. */
  dotImports: readonly string[];
  /** An array's element type (what a value of the array holds by value). */
  element?: DeclaredType | null;
}

/** Per file: its package name and the declared types of struct fields and package variables. */
export interface FileDeclarations {
  packageName: string;
  /** Every field of every struct type of the file's package-level declarations (named or literal), by field name. */
  fields: Map<string, DeclaredType[]>;
  /** The fields of the file's top-level named struct types: type name, then field name. */
  structs: Map<string, Map<string, DeclaredType>>;
  /** Package variables by name: the type declared, or else the type the value is made as (`var m = new(sync.Map)`). */
  variables: Map<string, DeclaredType[]>;
  /** The embedded fields' types of the file's top-level named struct types, by type name. */
  embeds: Map<string, DeclaredType[]>;
}

const LITERALS: Readonly<Record<string, string>> = {
  channel_type: 'chan',
  map_type: 'map',
  slice_type: 'slice',
  array_type: 'array',
  function_type: 'func',
  struct_type: 'struct',
  interface_type: 'interface',
};

const dotImportLists = new WeakMap<Imports, readonly string[]>();

/** One list per file's imports, shared by its declared types. */
function dotImportsOf(imports: Imports): readonly string[] {
  let list = dotImportLists.get(imports);
  if (!list) dotImportLists.set(imports, (list = [...imports.dotImported]));
  return list;
}

/** The declared type a type node spells, given the imports of its file. */
export function declaredTypeOf(type: Node | null, imports: Imports): DeclaredType | null {
  if (!type) return null;
  let t = type;
  let pointer = false;
  if (t.type === 'pointer_type' && t.namedChild(0)) {
    t = t.namedChild(0)!;
    pointer = true;
  }
  if (t.type === 'parenthesized_type' && t.namedChild(0)) t = t.namedChild(0)!;
  if (t.type === 'generic_type' && t.childForFieldName('type')) t = t.childForFieldName('type')!;
  const dotImports = dotImportsOf(imports);
  if (t.type === 'qualified_type') {
    const pkg = t.childForFieldName('package')?.text ?? '';
    const path = imports.byName.get(pkg);
    return path === undefined ? null : { path, name: t.childForFieldName('name')?.text ?? '', pointer, literal: '', dotImports };
  }
  if (t.type === 'type_identifier') return { path: '', name: t.text, pointer, literal: '', dotImports };
  const literal = LITERALS[t.type];
  if (literal === 'array') return { path: '', name: '', pointer, literal, dotImports, element: declaredTypeOf(t.childForFieldName('element'), imports) };
  return literal ? { path: '', name: '', pointer, literal, dotImports } : null;
}

/** True when `t` is the named type `path`.`name` (through a dot import too), pointer or not as asked. */
export function isNamedType(t: DeclaredType | null, path: string, name: string, pointer?: boolean): boolean {
  if (!t || t.name !== name || (pointer !== undefined && t.pointer !== pointer)) return false;
  return t.path === path || (t.path === '' && t.dotImports.includes(path));
}

/** The field name of an embedded field: its type's name without pointer, package or type arguments. */
export function embeddedFieldName(type: Node): string {
  let t = type;
  if (t.type === 'generic_type' && t.childForFieldName('type')) t = t.childForFieldName('type')!;
  if (t.type === 'qualified_type') return t.childForFieldName('name')?.text ?? t.text;
  return t.text;
}

function add<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The fields a field_declaration_list declares, with their declared types (embedded fields marked). */
function structFields(list: Node, imports: Imports): [string, DeclaredType | null, boolean][] {
  const fields: [string, DeclaredType | null, boolean][] = [];
  for (const field of namedChildren(list)) {
    if (field.type !== 'field_declaration') continue;
    const type = field.childForFieldName('type');
    const names = field.childrenForFieldName('name').filter((n): n is Node => !!n);
    if (names.length > 0) {
      const declared = declaredTypeOf(type, imports);
      for (const name of names) fields.push([name.text, declared, false]);
    } else if (type) {
      // An embedded field: `*sql.DB` is a field named DB (the `*` is a token of the declaration).
      const declared = declaredTypeOf(type, imports);
      const pointer = field.children.some((c) => c?.type === '*');
      fields.push([embeddedFieldName(type), declared && { ...declared, pointer: declared.pointer || pointer }, true]);
    }
  }
  return fields;
}

/** A field or variable whose declared type is not one this model spells (or that has none: `var x = f()`). */
const UNKNOWN: DeclaredType = { path: '', name: '', pointer: false, literal: '?', dotImports: [] };

/** Compared by value: facts may be copied. */
function isKnown(t: DeclaredType): boolean {
  return t.literal !== '?';
}

/** `visit` for each struct type with a field list in `text`, inside function and method declarations or outside them. */
function eachStruct(root: Node, text: string, inFunctions: boolean, visit: (struct: Node, list: Node) => void): void {
  // Each struct type starts with its keyword: found from the text, not by visiting every node of the tree.
  for (let i = text.indexOf('struct'); i !== -1; i = text.indexOf('struct', i + 6)) {
    const struct = root.namedDescendantForIndex(i, i + 6);
    if (struct?.type !== 'struct_type' || struct.startIndex !== i) continue;
    let top: Node = struct;
    while (top.parent && top.parent.id !== root.id) top = top.parent;
    if ((top.type === 'function_declaration' || top.type === 'method_declaration') !== inFunctions) continue;
    const list = namedChildren(struct).find((c) => c.type === 'field_declaration_list');
    if (list) visit(struct, list);
  }
}

/**
 * Per file: the declared types of its package-level declarations (struct
 * types, package variables). Computed from the declarations outside
 * functions alone, so an editor keeps it across edits inside functions.
 */
export const DECLARED_TYPES: FileFactKind<FileDeclarations> = {
  key: 'declared-types',
  outsideFunctions: true,
  reads: (keyword) => keyword !== 'func',
  compute(root, _path, text) {
    const imports = readImports(root);
    const facts: FileDeclarations = {
      packageName: root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '',
      fields: new Map(),
      structs: new Map(),
      variables: new Map(),
      embeds: new Map(),
    };
    eachStruct(root, text, false, (struct, list) => {
      const declared = structFields(list, imports);
      const fields = declared.map(([f, t]): [string, DeclaredType] => [f, t ?? UNKNOWN]);
      for (const [name, type] of fields) add(facts.fields, name, type);
      // A top-level `type T struct {...}`: the struct's fields by its name too.
      const spec = struct.parent;
      const name = spec?.type === 'type_spec' && spec.parent?.parent?.id === root.id ? spec.childForFieldName('name')?.text : undefined;
      if (name) {
        facts.structs.set(name, new Map(fields));
        facts.embeds.set(name, declared.flatMap(([, t, embedded]) => (embedded && t ? [t] : [])));
      }
    });
    for (const child of namedChildren(root)) {
      if (child.type === 'var_declaration') {
        walk(child, (n) => {
          if (n.type !== 'var_spec') return true;
          const type = n.childForFieldName('type');
          const declared = type ? (declaredTypeOf(type, imports) ?? UNKNOWN) : undefined;
          const values = n.childForFieldName('value');
          const valueList = !declared && values ? namedChildren(values) : [];
          n.childrenForFieldName('name').forEach((name, i) => {
            if (name) add(facts.variables, name.text, declared ?? (valueList[i] ? madeType(valueList[i], imports) : null) ?? UNKNOWN);
          });
          return false;
        });
      }
    }
    return facts;
  },
};

/** Per file: the fields of the struct types declared inside its functions and methods, by field name. */
export const FUNCTION_STRUCT_FIELDS: FileFactKind<{ packageName: string; fields: Map<string, DeclaredType[]> }> = {
  key: 'declared-types.functionStructs',
  // Functions holding a struct type with fields (not `chan struct{}`), and the imports for their fields' types.
  reads: (keyword, text) => keyword === 'import' || (keyword === 'func' && /\bstruct\b(?!\s*\{\s*\})/.test(text)),
  compute(root, _path, text) {
    const imports = readImports(root);
    const fields = new Map<string, DeclaredType[]>();
    eachStruct(root, text, true, (_struct, list) => {
      for (const [name, type] of structFields(list, imports)) add(fields, name, type ?? UNKNOWN);
    });
    return { packageName: root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '', fields };
  },
};

const declarationsByFile = new WeakMap<GoFile, FileDeclarations[]>();

/** The declarations of the files of `file`'s package (itself first). */
function packageDeclarations(file: GoFile): FileDeclarations[] {
  let all = declarationsByFile.get(file);
  if (!all) declarationsByFile.set(file, (all = file.packageFacts(DECLARED_TYPES).filter((f) => f.packageName === file.packageName)));
  return all;
}

/** The declared types of every struct field named `name` in the package (several types may declare one), in functions too. */
export function fieldTypesNamed(file: GoFile, name: string): DeclaredType[] {
  return [...packageDeclarations(file).flatMap((f) => f.fields.get(name) ?? []), ...functionStructFieldsNamed(file, name)];
}

/** The declared types of the fields named `name` of struct types declared inside the package's functions. */
export function functionStructFieldsNamed(file: GoFile, name: string): DeclaredType[] {
  return file
    .packageFacts(FUNCTION_STRUCT_FIELDS)
    .filter((f) => f.packageName === file.packageName)
    .flatMap((f) => f.fields.get(name) ?? []);
}

/** The declared types of the package variable `name` (one, unless the package does not compile). */
export function variableTypesNamed(file: GoFile, name: string): DeclaredType[] {
  return packageDeclarations(file).flatMap((f) => f.variables.get(name) ?? []);
}

/** The fields of the package's struct type `name`, or null when the package declares no such struct. */
export function structFieldsOf(file: GoFile, name: string): ReadonlyMap<string, DeclaredType> | null {
  for (const f of packageDeclarations(file)) {
    const fields = f.structs.get(name);
    if (fields) return fields;
  }
  return null;
}

/** The type (or, failing that, the initial value) a local or file-level declaration gives its name. */
export function declaredTypeOrValue(declaration: Declaration): { type: Node | null; value: Node | null } {
  const id = declaration.node;
  const parent = id.parent;
  if (!parent) return { type: null, value: null };
  if (parent.type === 'parameter_declaration' || parent.type === 'variadic_parameter_declaration') {
    return { type: parent.type === 'parameter_declaration' ? parent.childForFieldName('type') : null, value: null };
  }
  if (parent.type === 'var_spec') {
    const names = parent.childrenForFieldName('name');
    const index = names.findIndex((n) => n?.id === id.id);
    const values = parent.childForFieldName('value');
    return { type: parent.childForFieldName('type'), value: values ? namedChildren(values)[index] ?? null : null };
  }
  if (parent.type === 'expression_list' && parent.parent?.type === 'short_var_declaration') {
    const statement = parent.parent;
    const left = namedChildren(parent);
    const right = statement.childForFieldName('right');
    const values = right ? namedChildren(right) : [];
    if (values.length !== left.length) return { type: null, value: null };
    return { type: null, value: values[left.findIndex((n) => n.id === id.id)] ?? null };
  }
  return { type: null, value: null };
}

/** `a, b := f()` (or `var a, b = f()`): the call and the position of the declared name among its results. */
function resultPosition(declaration: Declaration): { call: Node; index: number } | null {
  const id = declaration.node;
  const parent = id.parent;
  let names: Node[] = [];
  let values: Node[] = [];
  if (parent?.type === 'expression_list' && parent.parent?.type === 'short_var_declaration') {
    names = namedChildren(parent);
    const right = parent.parent.childForFieldName('right');
    values = right ? namedChildren(right) : [];
  } else if (parent?.type === 'var_spec') {
    names = parent.childrenForFieldName('name').filter((n): n is Node => !!n);
    const value = parent.childForFieldName('value');
    values = value ? namedChildren(value) : [];
  }
  const call = values.length === 1 && names.length > 1 ? unparen(values[0]) : null;
  return call?.type === 'call_expression' ? { call, index: names.findIndex((n) => n.id === id.id) } : null;
}

/** The declared type of a local or file-level name (parameter, receiver, `var x T`), or null. */
export function declaredType(file: GoFile, identifier: Node): Node | null {
  const declaration = file.resolution.resolve(identifier);
  return declaration && declaration.kind !== 'import' ? declaredTypeOrValue(declaration).type : null;
}

/** The named type an expression spells where a type is meant (tree-sitter-go reads `new(sync.Map)`'s argument as an expression): `T`, `pkg.T`. */
function typeNamedBy(expression: Node | null, imports: Imports): DeclaredType | null {
  if (expression?.type === 'identifier') return { path: '', name: expression.text, pointer: false, literal: '', dotImports: dotImportsOf(imports) };
  const operand = expression?.type === 'selector_expression' ? expression.childForFieldName('operand') : null;
  const path = operand?.type === 'identifier' ? imports.byName.get(operand.text) : undefined;
  return path === undefined ? null : { path, name: expression!.childForFieldName('field')?.text ?? '', pointer: false, literal: '', dotImports: dotImportsOf(imports) };
}

/** The type a value is made as: `&T{...}` and `new(T)` (pointers), `T{...}`. */
function madeType(value: Node, imports: Imports, file?: GoFile): DeclaredType | null {
  let v = unparen(value);
  let pointer = false;
  if (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '&') {
    v = unparen(v.childForFieldName('operand')!);
    pointer = true;
  }
  if (v.type === 'composite_literal') {
    const made = declaredTypeOf(v.childForFieldName('type'), imports);
    return made && { ...made, pointer };
  }
  // `make(chan T, n)`, `make(map[K]V)`, `make([]T, n)`: the built-in make (not a local or package function of that name).
  if (!pointer && v.type === 'call_expression' && v.childForFieldName('function')?.text === 'make' && !file?.resolution.resolve(v.childForFieldName('function')!)) {
    return declaredTypeOf(v.childForFieldName('arguments')?.namedChild(0) ?? null, imports);
  }
  if (!pointer && v.type === 'call_expression' && v.childForFieldName('function')?.text === 'new') {
    const argument = v.childForFieldName('arguments')?.namedChild(0) ?? null;
    const made = typeNamedBy(argument, imports) ?? declaredTypeOf(argument, imports);
    return made && !made.pointer ? { ...made, pointer: true } : null;
  }
  return null;
}

/** The type of the value an identifier names: its declared type, or the type it is made as where it is declared. */
export function typeOfName(file: GoFile, identifier: Node): DeclaredType | null {
  const declaration = file.resolution.resolve(identifier);
  if (!declaration || declaration.kind === 'import') {
    if (declaration) return null;
    const types = variableTypesNamed(file, identifier.text);
    return types.length === 1 && isKnown(types[0]) ? types[0] : null;
  }
  const { type, value } = declaredTypeOrValue(declaration);
  if (type) return declaredTypeOf(type, file.imports);
  if (value) return madeType(value, file.imports, file) ?? callResultType(file, unparen(value), 0);
  // `db, err := open()`: one call for several names.
  const result = resultPosition(declaration);
  return result ? callResultType(file, result.call, result.index) : null;
}

/**
 * The declared type of the field a selector `x.f` reads: from the struct
 * type of `x` when that is a struct of the package (`x` a receiver, a
 * parameter or variable declared with it, or a value made as one, or a
 * field declared with it, as in `x.g.f`), else the
 * type every field named `f` in the package is declared with. Null when not
 * known or when the fields disagree.
 */
export function fieldTypeOf(file: GoFile, selector: Node): DeclaredType | null {
  if (selector.type !== 'selector_expression') return null;
  const field = selector.childForFieldName('field')?.text;
  const operand = selector.childForFieldName('operand');
  if (!field || !operand) return null;
  // The owner's type: a name's, or a field's (`fs.writer.wg`: the type of fs.writer, in turn).
  const inner = unparen(operand);
  const owner = inner.type === 'identifier' ? typeOfName(file, inner) : inner.type === 'selector_expression' ? fieldTypeOf(file, inner) : null;
  if (owner && owner.path === '' && owner.name && !owner.dotImports.length) {
    const fields = structFieldsOf(file, owner.name);
    if (fields) {
      const type = fields.get(field);
      return type && isKnown(type) ? type : null;
    }
  }
  const types = fieldTypesNamed(file, field);
  if (types.length === 0 || types.some((t) => !sameType(t, types[0]))) return null;
  return isKnown(types[0]) ? types[0] : null;
}

function sameType(a: DeclaredType, b: DeclaredType): boolean {
  return a.path === b.path && a.name === b.name && a.pointer === b.pointer && a.literal === b.literal;
}

/** The package type (of this package, not dot-imported) a name's value has, when known: the receiver of `x.m()` in method lookups. */
export function packageTypeOfName(file: GoFile, identifier: Node): string | undefined {
  const type = typeOfName(file, identifier);
  return type && type.path === '' && type.name && type.dotImports.length === 0 ? type.name : undefined;
}

/** Per file: the declared result types of its package functions (not methods, not generic), by name. */
interface FileResults {
  packageName: string;
  results: Map<string, (DeclaredType | null)[]>;
}

/**
 * The result types package functions declare (`func NewClient(...) *Client`,
 * `func open() (*sql.DB, error)`), read from the text of their signatures:
 * the type of `c := NewClient()` or `db, err := open()`. Only the imports are
 * parsed (for qualified names); function bodies are skipped by scanning
 * tokens.
 */
export const RESULT_TYPES: FileFactKind<FileResults> = {
  key: 'declared-types.results',
  reads: (keyword) => keyword === 'import',
  compute(root, _path, text) {
    const imports = readImports(root);
    const packageName = root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '';
    return { packageName, results: functionResults(text, imports) };
  },
};

/** The results of every top-level non-generic function of `text`, from its signature's text. */
function functionResults(text: string, imports: Imports): Map<string, (DeclaredType | null)[]> {
  const out = new Map<string, (DeclaredType | null)[]>();
  for (const declaration of topLevelDeclarations(text) ?? []) {
    if (declaration.keyword !== 'func') continue;
    const signature = /^func\s+([\p{L}_][\p{L}\p{N}_]*)\s*\(/u.exec(text.slice(declaration.start, declaration.start + 200));
    if (!signature) continue;
    const close = closingBracket(text, declaration.start + signature[0].length - 1);
    if (close < 0) continue;
    // The result: up to the body's `{` (or the line's end, for a declaration without a body).
    const rest = /^[ \t]*([^\n{]*)/.exec(text.slice(close + 1, close + 400))![1].trim();
    out.set(signature[1], resultTypes(rest, imports));
  }
  return out;
}

/** The index of the bracket closing the one at `open`, or -1. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    } else if (c === '\n' && depth === 0) return -1;
  }
  return -1;
}

/** `*T`, `(T, error)`, `(n int, err error)`: each result's declared type (null where not spelled as this model reads types). */
function resultTypes(result: string, imports: Imports): (DeclaredType | null)[] {
  if (!result) return [];
  if (!result.startsWith('(')) return [typeFromText(result, imports)];
  const inner = result.slice(1, result.lastIndexOf(')'));
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === ',' || i === inner.length) && depth === 0) {
      parts.push(inner.slice(from, i).trim());
      from = i + 1;
    }
  }
  // Named results (`n int, err error`, `a, b int`): a name alone takes the type of the next part.
  const named = parts.map((p) => /^([\p{L}_][\p{L}\p{N}_]*)\s+(\S.*)$/u.exec(p));
  if (!named.some((m) => m)) return parts.map((p) => typeFromText(p, imports));
  const types: (DeclaredType | null)[] = new Array(parts.length).fill(null);
  let next: DeclaredType | null = null;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (named[i]) next = typeFromText(named[i]![2], imports);
    types[i] = next;
  }
  return types;
}

/** A type spelled in text: `T`, `*T`, `pkg.T`, `T[X]`, or the kind of a literal (`chan T`, `[]T`, `map[K]V`, `func(...)`). */
function typeFromText(spelled: string, imports: Imports): DeclaredType | null {
  let t = spelled.trim();
  let pointer = false;
  if (t.startsWith('*')) {
    t = t.slice(1).trim();
    pointer = true;
  }
  const dotImports = dotImportsOf(imports);
  const named = /^(?:([\p{L}_][\p{L}\p{N}_]*)\.)?([\p{L}_][\p{L}\p{N}_]*)(\[.*\])?$/u.exec(t);
  if (named) {
    if (!named[1]) return { path: '', name: named[2], pointer, literal: '', dotImports };
    const path = imports.byName.get(named[1]);
    return path === undefined ? null : { path, name: named[2], pointer, literal: '', dotImports };
  }
  const literal = /^(<-)?chan\b|chan<-/.test(t) ? 'chan' : t.startsWith('[]') ? 'slice' : t.startsWith('map[') ? 'map' : t.startsWith('func') ? 'func' : /^\[/.test(t) ? 'array' : '';
  return literal ? { path: '', name: '', pointer, literal, dotImports } : null;
}

/** The type of the `index`th result of a call of a package function, when its declaration says. */
function callResultType(file: GoFile, call: Node, index: number): DeclaredType | null {
  const callee = call.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (callee?.type !== 'identifier') return null;
  const declaration = file.resolution.resolve(callee);
  // A local function value is not known; a function of this file or of another file of the package is.
  if (declaration && (declaration.kind !== 'package' || declaration.node.parent?.type !== 'function_declaration')) return null;
  file.dependsOn(callee.text);
  for (const facts of file.packageFacts(RESULT_TYPES)) {
    if (facts.packageName !== file.packageName) continue;
    const results = facts.results.get(callee.text);
    if (results) return results[index] ?? null;
  }
  return null;
}
