// Facts about sync.Map (and the other sync types that must not be copied)
// without a type checker: which expressions are known to be a sync.Map, from
// the package model's declared types (parameters, variables, struct fields
// and package variables of this file and of the package's other files,
// `new(sync.Map)` / `&sync.Map{}`) and the struct types that embed one; plus the small
// syntactic facts the sync rules share (method calls on such maps, "same
// key" comparison, reassignment between two points).
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import type { Imports } from './imports';
import type { PackageIndex } from './package';
import { declaredTypeOrValue, DECLARED_TYPES, functionStructFieldsNamed, typeOfName, isNamedType, type DeclaredType, type FileDeclarations } from './declared-types';
import { isTerminating } from './loops';
import { PREDECLARED_TYPES } from './scope';
import { enclosingFunction, isAncestor, isFunction, mentionsIdentifier, namedChildren, statementsOf, topLevelFunction, unparen, walk } from './syntax';

const SYNC_PATH = 'sync';

/** `sync.<name>` (any alias of "sync", or a dot import), given the imports of the type's file. */
function isSyncNamedType(type: Node | null, imports: Imports, name: string): boolean {
  if (!type) return false;
  if (type.type === 'qualified_type') {
    const pkg = type.childForFieldName('package')?.text;
    return type.childForFieldName('name')?.text === name && !!pkg && imports.byName.get(pkg) === SYNC_PATH;
  }
  return type.type === 'type_identifier' && type.text === name && imports.dotImported.has(SYNC_PATH);
}

type FieldKind = 'Map' | 'Pool' | 'other';

/** The sync types whose values the engine tracks through declarations. */
export type TrackedSyncType = 'Map' | 'Pool';

/** Per file: what the package declares that holds or is a sync.Map, read from the file's declared types (DECLARED_TYPES). */
export interface SyncFacts {
  packageName: string;
  /** Struct field names and their declared types (their kinds are told with the whole package's embedding types: fieldKind). */
  fields: Map<string, DeclaredType[]>;
  /** Package-level variables and their declared or made types (`var m = new(sync.Map)` too). */
  variables: Map<string, DeclaredType[]>;
  /** Struct types that embed `sync.Map` or `*sync.Map` (so `t.Load` is the map's Load). */
  embedding: Set<string>;
  /** Struct types that embed `sync.Pool` or `*sync.Pool`. */
  embeddingPool: Set<string>;
  /** Every struct type declared at package level. */
  structs: Set<string>;
  /**
   * Struct types that hold a value of `sync.<Type>` by value (directly, by
   * embedding, or through an array) mapped to the sync type names held, and
   * the names of package struct types they hold by value (resolved later).
   */
  holders: Map<string, { sync: Set<string>; types: Set<string> }>;
}

/** The sync types a struct must not be copied with, when it holds one by value. */
const NOT_COPIED = ['Map', 'WaitGroup', 'Mutex', 'RWMutex', 'Once', 'Cond', 'Pool'];

/** One view per file's declarations (the package index keeps them until the file's text changes). */
const syncViews = new WeakMap<FileDeclarations, SyncFacts>();

/** The sync facts of one file, from its declared types. */
function syncFactsOf(declarations: FileDeclarations): SyncFacts {
  let facts = syncViews.get(declarations);
  if (facts) return facts;
  facts = {
    packageName: declarations.packageName,
    fields: new Map(),
    variables: new Map(),
    embedding: new Set(),
    embeddingPool: new Set(),
    structs: new Set(declarations.structs.keys()),
    holders: new Map(),
  };
  for (const [name, embedded] of declarations.embeds) {
    if (embedded.some((t) => isNamedType(t, SYNC_PATH, 'Map'))) facts.embedding.add(name);
    if (embedded.some((t) => isNamedType(t, SYNC_PATH, 'Pool'))) facts.embeddingPool.add(name);
  }
  for (const [name, fields] of declarations.structs) {
    const held = { sync: new Set<string>(), types: new Set<string>() };
    for (const type of fields.values()) {
      let value: DeclaredType | null | undefined = type;
      while (value?.literal === 'array' && !value.pointer) value = value.element;
      if (!value || value.pointer || value.literal !== '') continue;
      for (const t of NOT_COPIED) if (isNamedType(value, SYNC_PATH, t)) held.sync.add(t);
      if (value.path === '') held.types.add(value.name);
    }
    if (held.sync.size || held.types.size) facts.holders.set(name, held);
  }
  for (const [name, types] of declarations.fields) facts.fields.set(name, [...types]);
  for (const [name, types] of declarations.variables) facts.variables.set(name, [...types]);
  syncViews.set(declarations, facts);
  return facts;
}

/** The kind of a declared type: sync.Map/Pool, or a package type (declared in any file) that embeds one. */
function fieldKind(t: DeclaredType, facts: readonly SyncFacts[]): FieldKind {
  for (const k of ['Map', 'Pool'] as const) if (isNamedType(t, SYNC_PATH, k)) return k;
  if (t.path !== '' || !t.name) return 'other';
  return facts.some((f) => f.embedding.has(t.name)) ? 'Map' : facts.some((f) => f.embeddingPool.has(t.name)) ? 'Pool' : 'other';
}

/** Facts of this package's files (siblings of another package, such as `x_test`, are left out). */
function packageSyncFacts(file: GoFile): SyncFacts[] {
  let cached = factsByFile.get(file);
  if (!cached) factsByFile.set(file, (cached = file.packageFacts(DECLARED_TYPES).filter((f) => f.packageName === file.packageName).map(syncFactsOf)));
  return cached;
}

/** Per version of a file: reading the siblings once (PackageIndex re-reads their text on every call). */
const factsByFile = new WeakMap<GoFile, SyncFacts[]>();

/** True when every declaration of the name has kind `wanted` (and there is at least one). */
function kindsAgree(kinds: Set<FieldKind>[], wanted: TrackedSyncType): boolean {
  let found = false;
  for (const set of kinds) {
    for (const k of set) if (k !== wanted) return false;
    if (set.has(wanted)) found = true;
  }
  return found;
}

/**
 * True when `expression` is known to be a sync.Map (or a pointer to one, or a
 * value of a struct type of the package that embeds one): a name declared
 * with that type or initialised with `new(sync.Map)`/`&sync.Map{}`, or a
 * field `x.f` where every struct field named `f` in the package is one.
 */
export function isSyncMap(file: GoFile, expression: Node): boolean {
  return isSyncValue(file, expression, 'Map');
}

/** The same as isSyncMap, for `sync.Map` or `sync.Pool`. */
export function isSyncValue(file: GoFile, expression: Node, syncType: TrackedSyncType): boolean {
  if (!maySyncValue(file, syncType)) return false;
  const e = unparen(expression);
  if (e.type === 'identifier') {
    const declaration = file.resolution.resolve(e);
    if (declaration) {
      if (declaration.kind === 'import') return false;
      // Its declared type, or the type it is made as (`m := new(sync.Map)`).
      const type = typeOfName(file, e);
      if (isNamedType(type, SYNC_PATH, syncType)) return true;
      const named = type?.path === '' ? type.name : '';
      return !!named && packageSyncFacts(file).some((f) => (syncType === 'Map' ? f.embedding : f.embeddingPool).has(named));
    }
    const facts = packageSyncFacts(file);
    const kinds = facts.flatMap((f) => f.variables.get(e.text) ?? []).map((t) => new Set([fieldKind(t, facts)]));
    return kindsAgree(kinds, syncType);
  }
  if (e.type === 'selector_expression') {
    const operand = e.childForFieldName('operand');
    if (!operand || (operand.type === 'identifier' && file.resolution.resolve(operand)?.kind === 'import')) return false;
    if (operand.type === 'identifier' && !file.resolution.resolve(operand) && file.imports.byName.has(operand.text)) return false;
    const field = e.childForFieldName('field')?.text ?? '';
    const facts = packageSyncFacts(file);
    // Fields of struct types declared inside functions count too (`var state struct{ seen sync.Map }`).
    const types = [...facts.flatMap((f) => f.fields.get(field) ?? []), ...functionStructFieldsNamed(file, field)];
    return kindsAgree(types.map((t) => new Set([fieldKind(t, facts)])), syncType);
  }
  return false;
}

export const SYNC_MAP_METHODS = new Set(['Load', 'Store', 'LoadOrStore', 'LoadAndDelete', 'Delete', 'Swap', 'CompareAndSwap', 'CompareAndDelete', 'Range']);

export interface SyncMapCall {
  call: Node;
  /** The map expression (the operand of the selector). */
  map: Node;
  method: string;
  args: Node[];
}

/** `m.Method(args)` with `m` a known sync.Map and Method one of sync.Map's methods. */
export function syncMapCall(file: GoFile, node: Node): SyncMapCall | null {
  if (node.type !== 'call_expression') return null;
  const fn = node.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return null;
  const method = fn.childForFieldName('field')?.text ?? '';
  if (!SYNC_MAP_METHODS.has(method)) return null;
  const map = fn.childForFieldName('operand');
  if (!map || !isSyncMap(file, map)) return null;
  const argList = node.childForFieldName('arguments');
  return { call: node, map, method, args: argList ? namedChildren(argList) : [] };
}

/** Source text without white space (and without redundant parentheses), for "same expression" comparisons. */
export function compactText(node: Node): string {
  return unparen(node).text.replace(/\s+/g, '');
}

/** A key simple enough to compare syntactically: a name, a selector chain of names, or a literal. */
export function isSimpleKey(node: Node): boolean {
  const n = unparen(node);
  switch (n.type) {
    case 'identifier':
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'int_literal':
    case 'float_literal':
    case 'rune_literal':
    case 'true':
    case 'false':
      return true;
    case 'selector_expression': {
      const operand = n.childForFieldName('operand');
      return !!operand && isSimpleKey(operand) && (operand.type === 'identifier' || operand.type === 'selector_expression');
    }
    default:
      return false;
  }
}

/** The names a simple expression reads (identifiers at its root and in selector operands). */
function rootIdentifier(node: Node): Node | null {
  let n = unparen(node);
  while (n.type === 'selector_expression') n = unparen(n.childForFieldName('operand')!);
  return n.type === 'identifier' ? n : null;
}

/**
 * True when `a` and `b` are the same simple expression (same text without
 * white space; names bound to the same declaration) and nothing in
 * `[from, to)` assigns to it or to the name at its root.
 */
export function sameSimpleExpression(file: GoFile, a: Node, b: Node, within: Node, from: number, to: number): boolean {
  if (!isSimpleKey(a) || !isSimpleKey(b) || compactText(a) !== compactText(b)) return false;
  const ra = rootIdentifier(a);
  const rb = rootIdentifier(b);
  if (ra && rb && file.resolution.resolve(ra) !== file.resolution.resolve(rb)) return false;
  return !(ra && isAssignedBetween(ra, within, from, to, compactText(a)));
}

/** True when `name` (or the expression `text` rooted at it) is assigned, declared anew, or has its address taken in [from, to) inside `within`. */
function isAssignedBetween(name: Node, within: Node, from: number, to: number, text: string): boolean {
  let found = false;
  walk(within, (n) => {
    if (found || n.endIndex <= from || n.startIndex >= to) return !found && !(n.endIndex <= from || n.startIndex >= to);
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration' || n.type === 'range_clause') {
      const left = n.childForFieldName('left');
      for (const target of left ? namedChildren(left) : []) {
        const t = compactText(target);
        if (t === name.text || t === text || text.startsWith(`${t}.`)) found = true;
      }
    }
    if (n.type === 'inc_statement' || n.type === 'dec_statement') {
      const t = n.namedChild(0);
      if (t && compactText(t) === text) found = true;
    }
    if (isAddressOf(n)) {
      const operand = n.childForFieldName('operand');
      const root = operand ? rootIdentifier(operand) : null;
      if (root?.text === name.text) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * True when a mutex serializes the code at `before`: a call to a method
 * named Lock or RLock appears in `fn` before it (outside nested function
 * literals), or the function is named `...Locked`, Go's convention for
 * "the caller holds the lock".
 */
export function locksBefore(fn: Node, before: number): boolean {
  if (/Locked$/.test(topLevelFunction(fn)?.childForFieldName('name')?.text ?? '')) return true;
  let found = false;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  walk(body, (n) => {
    if (found) return false;
    if (n.startIndex >= before) return false;
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function');
      const name = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : undefined;
      if (name === 'Lock' || name === 'RLock') found = true;
    }
    return true;
  });
  return found;
}

/** Calls directly in `node` (not in nested function literals), in source order. */
export function callsIn(node: Node): Node[] {
  const calls: Node[] = [];
  walk(node, (n) => {
    if (n !== node && isFunction(n)) return false;
    if (n.type === 'call_expression') calls.push(n);
    return true;
  });
  return calls;
}

/**
 * A two-result read `v, ok := m.Load(k)` (or `=`, or `var v, ok = ...`)
 * of a sync.Map: the call, and the identifiers on the left (null for `_`).
 */
export interface SyncMapRead extends SyncMapCall {
  statement: Node;
  value: Node | null;
  ok: Node | null;
}

export function syncMapRead(file: GoFile, call: Node): SyncMapRead | null {
  const info = syncMapCall(file, call);
  if (!info) return null;
  const list = call.parent;
  if (list?.type !== 'expression_list' || namedChildren(list).length !== 1) return null;
  const statement = list.parent;
  if (!statement) return null;
  let left: Node[];
  if ((statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') && statement.childForFieldName('right')?.id === list.id) {
    if (statement.type === 'assignment_statement' && statement.childForFieldName('operator')?.text !== '=') return null;
    left = namedChildren(statement.childForFieldName('left')!);
  } else if (statement.type === 'var_spec') {
    left = statement.childrenForFieldName('name').filter((x): x is Node => !!x);
  } else return null;
  if (left.length !== 2 || left.some((l) => l.type !== 'identifier')) return null;
  const named = (n: Node) => (n.text === '_' ? null : n);
  return { ...info, statement: statement.type === 'var_spec' ? statement.parent?.type === 'var_declaration' ? statement.parent : statement : statement, value: named(left[0]), ok: named(left[1]) };
}

/** `&x`. */
export function isAddressOf(node: Node): boolean {
  return node.type === 'unary_expression' && node.child(0)?.text === '&' && !!node.childForFieldName('operand');
}

/** True when control never continues after `statement`: return, goto, break, continue, panic and other calls that never return. */
export function leavesBlock(file: GoFile, statement: Node): boolean {
  if (statement.type === 'break_statement' || statement.type === 'continue_statement') return true;
  if (statement.type === 'block') {
    const statements = statementsOf(statement);
    return statements.length > 0 && leavesBlock(file, statements[statements.length - 1]);
  }
  if (statement.type === 'if_statement') {
    const consequence = statement.childForFieldName('consequence');
    const alternative = statement.childForFieldName('alternative');
    return !!consequence && !!alternative && leavesBlock(file, consequence) && leavesBlock(file, alternative);
  }
  return isTerminating(file, statement);
}

/**
 * Where a `v, ok := m.Load(k)` read leads: the if statement that tests `ok`
 * or `!ok` (the read's own if, or the first if after it in the same block),
 * and the code that runs only when the key was found and only when it was
 * missing: a branch of that if, and the statements after it when the other
 * branch always leaves the block.
 */
export interface OkBranches {
  ifStatement: Node;
  /** True when the read is the if statement's initializer. */
  inInitializer: boolean;
  found: Node[];
  missing: Node[];
}

export function okBranches(file: GoFile, read: SyncMapRead): OkBranches | null {
  if (!read.ok) return null;
  const okDeclaration = file.resolution.resolve(read.ok);
  if (!okDeclaration) return null;
  let ifStatement: Node | null = null;
  let inInitializer = false;
  const statement = read.statement;
  if (statement.parent?.type === 'if_statement' && statement.parent.childForFieldName('initializer')?.id === statement.id) {
    ifStatement = statement.parent;
    inInitializer = true;
  } else if (statement.parent?.type === 'statement_list') {
    for (let next = statement.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (next.type === 'comment') continue;
      if (next.type === 'if_statement') ifStatement = next;
      break;
    }
  }
  if (!ifStatement || (!inInitializer && ifStatement.childForFieldName('initializer'))) return null;
  const condition = ifStatement.childForFieldName('condition');
  if (!condition) return null;
  const c = unparen(condition);
  let positive: boolean;
  let tested: Node | null;
  if (c.type === 'identifier') {
    positive = true;
    tested = c;
  } else if (c.type === 'unary_expression' && c.child(0)?.text === '!') {
    positive = false;
    tested = unparen(c.childForFieldName('operand')!);
  } else return null;
  if (tested.type !== 'identifier' || file.resolution.resolve(tested) !== okDeclaration) return null;
  const consequence = ifStatement.childForFieldName('consequence');
  const alternative = ifStatement.childForFieldName('alternative');
  const whenTrue: Node[] = consequence ? [consequence] : [];
  const whenFalse: Node[] = alternative ? [alternative] : [];
  if (consequence && leavesBlock(file, consequence) && ifStatement.parent?.type === 'statement_list') {
    for (let next = ifStatement.nextNamedSibling; next; next = next.nextNamedSibling) if (next.type !== 'comment') whenFalse.push(next);
  }
  return positive ? { ifStatement, inInitializer, found: whenTrue, missing: whenFalse } : { ifStatement, inInitializer, found: whenFalse, missing: whenTrue };
}

/** The sync.Map calls of `method` in `regions` (not inside nested function literals). */
export function syncMapCallsIn(file: GoFile, regions: Node[], method: string): SyncMapCall[] {
  const out: SyncMapCall[] = [];
  for (const region of regions) {
    for (const call of callsIn(region)) {
      const info = syncMapCall(file, call);
      if (info?.method === method) out.push(info);
    }
  }
  return out;
}

/**
 * The Go zero value of a type expression when it can be written without
 * knowing more than the syntax: nil for pointers, slices, maps, channels,
 * functions, interfaces and `error`; "" / 0 / false for the predeclared
 * basic types. Null otherwise (named structs, type parameters...).
 */
export function zeroValue(type: Node): string | null {
  switch (type.type) {
    case 'pointer_type':
    case 'slice_type':
    case 'map_type':
    case 'channel_type':
    case 'function_type':
    case 'interface_type':
      return 'nil';
    case 'type_identifier':
      if (type.text === 'error' || type.text === 'any') return 'nil';
      if (type.text === 'string') return '""';
      if (type.text === 'bool') return 'false';
      if (/^(u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|byte|rune)$/.test(type.text)) return '0';
      return null;
    default:
      return null;
  }
}

/**
 * The statement that leaves `at`'s function (or the current iteration of a
 * loop) without a value: `continue` inside a loop of the function, otherwise
 * `return` with the zero value of each result (a bare `return` for named
 * results). Null when a zero value cannot be written.
 */
export function quietExit(at: Node): string | null {
  const fn = enclosingFunction(at);
  if (!fn) return null;
  for (let n = at, p = at.parent; p && p.id !== fn.id; n = p, p = p.parent) {
    if (p.type === 'for_statement' && p.childForFieldName('body')?.id === n.id) return 'continue';
  }
  const result = fn.childForFieldName('result');
  if (!result) return 'return';
  if (result.type !== 'parameter_list') {
    const zero = zeroValue(result);
    return zero ? `return ${zero}` : null;
  }
  const params = namedChildren(result).filter((c) => c.type === 'parameter_declaration');
  if (params.some((p) => p.childForFieldName('name'))) return 'return';
  const zeros = params.map((p) => zeroValue(p.childForFieldName('type')!));
  return zeros.every((z) => z !== null) ? `return ${zeros.join(', ')}` : null;
}

/**
 * When a value of type `type` holds a `sync.<syncType>` by value (it is one,
 * an array of one, or a struct type of the package with such a field, an
 * embedded one, or a field of such a struct type), a short description of
 * the path (`sync.Map`, `Cache`, `Cache.inner`); null for pointers, slices,
 * maps and everything else.
 */
export function holdsByValue(file: GoFile, type: Node | null, syncType: string): string | null {
  let t = type;
  while (t?.type === 'array_type') t = t.childForFieldName('element');
  if (!t) return null;
  if (t.type === 'parenthesized_type' && t.namedChild(0)) return holdsByValue(file, t.namedChild(0), syncType);
  if (isSyncNamedType(t, file.imports, syncType)) return `sync.${syncType}`;
  if (t.type !== 'type_identifier' || PREDECLARED_TYPES.has(t.text)) return null;
  if (!holderTypeNames(file, syncType).has(t.text)) return null;
  // A type declared inside a function is not a package type: leave it alone.
  if (file.resolution.lookupAt(t, t.text)?.kind === 'local') return null;
  return t.text;
}

/**
 * The struct types of the package that hold a `sync.<syncType>` by value
 * (directly, by embedding, through an array, or through a field of such a
 * struct type), computed once per version of the file.
 */
export function holderTypeNames(file: GoFile, syncType: string): ReadonlySet<string> {
  let bySync = holderNames.get(file);
  if (!bySync) holderNames.set(file, (bySync = new Map()));
  let names = bySync.get(syncType);
  if (names) return names;
  names = packageMentions(file, syncType) ? holderNamesOfPackage(packageSyncFacts(file), syncType) : new Set<string>();
  bySync.set(syncType, names);
  return names;
}

/**
 * holderNamesIn, remembered while the package's facts are the same objects
 * (the package index keeps each file's facts until its text changes): an
 * editor's lint of one file asks again on every edit.
 */
function holderNamesOfPackage(packageFacts: readonly SyncFacts[], syncType: string): ReadonlySet<string> {
  let entry = holdersByPackage.get(packageFacts[0]);
  if (!entry || entry.facts.length !== packageFacts.length || entry.facts.some((f, i) => f !== packageFacts[i])) {
    holdersByPackage.set(packageFacts[0], (entry = { facts: packageFacts, bySync: new Map() }));
  }
  let names = entry.bySync.get(syncType);
  if (!names) entry.bySync.set(syncType, (names = holderNamesIn(packageFacts, syncType)));
  return names;
}

const holdersByPackage = new WeakMap<SyncFacts, { facts: readonly SyncFacts[]; bySync: Map<string, ReadonlySet<string>> }>();

/** holderTypeNames from the facts of the package's files (the first file's wins for a name declared twice). */
function holderNamesIn(packageFacts: readonly SyncFacts[], syncType: string): Set<string> {
  const holders = new Map<string, { sync: Set<string>; types: Set<string> }>();
  for (const facts of packageFacts) for (const [name, held] of facts.holders) if (!holders.has(name)) holders.set(name, held);
  const found = new Set<string>();
  for (const root of holders.keys()) {
    const seen = new Set<string>();
    const visit = (name: string): boolean => {
      if (seen.has(name)) return false;
      seen.add(name);
      const held = holders.get(name);
      if (!held) return false;
      if (held.sync.has(syncType)) return true;
      for (const inner of held.types) if (visit(inner)) return true;
      return false;
    };
    if (visit(root)) found.add(root);
  }
  return found;
}


/** Per version of a file: holderTypeNames by sync type. */
const holderNames = new WeakMap<GoFile, Map<string, ReadonlySet<string>>>();

/** The methods of sync.Map whose first argument is a key. */
export const SYNC_MAP_KEYED = new Set(['Load', 'Store', 'LoadOrStore', 'LoadAndDelete', 'Delete', 'Swap', 'CompareAndSwap', 'CompareAndDelete']);

export type UnhashableKind = 'slice' | 'map' | 'function';

function unhashableType(type: Node | null): UnhashableKind | null {
  if (!type) return null;
  if (type.type === 'slice_type') return 'slice';
  if (type.type === 'map_type') return 'map';
  if (type.type === 'function_type') return 'function';
  return null;
}

/** True when `identifier` is the predeclared function of that name (not shadowed). */
function isBuiltin(file: GoFile, identifier: Node | null, name: string): boolean {
  return identifier?.type === 'identifier' && identifier.text === name && !file.resolution.resolve(identifier);
}

/**
 * The kind of a value that cannot be a map key, known from syntax alone: a
 * slice, map or function literal, `make([]T, ...)`/`make(map...)`, `append`,
 * a conversion to a slice type, or a name declared in the function with such
 * a type or value.
 */
export function unhashableValue(file: GoFile, expression: Node, depth = 0): UnhashableKind | null {
  const e = unparen(expression);
  switch (e.type) {
    case 'composite_literal':
      return unhashableType(e.childForFieldName('type'));
    case 'func_literal':
      return 'function';
    case 'type_conversion_expression':
      return unhashableType(e.childForFieldName('type'));
    case 'call_expression': {
      const fn = e.childForFieldName('function');
      const args = e.childForFieldName('arguments');
      if (isBuiltin(file, fn, 'make')) return unhashableType(args ? namedChildren(args)[0] ?? null : null);
      if (isBuiltin(file, fn, 'append')) return 'slice';
      return null;
    }
    case 'identifier': {
      const declaration = file.resolution.resolve(e);
      if (!declaration || declaration.kind !== 'local' || depth > 0) return null;
      const { type, value } = declaredTypeOrValue(declaration);
      if (type) return unhashableType(type);
      return value ? unhashableValue(file, value, depth + 1) : null;
    }
    default:
      return null;
  }
}

/** True when `name` is a struct type declared at package level in this package. */
export function isPackageStruct(file: GoFile, at: Node, name: string): boolean {
  if (file.resolution.lookupAt(at, name)?.kind === 'local') return false;
  return packageSyncFacts(file).some((f) => f.structs.has(name));
}

const SYNC_MAP_WRITES = new Set(['Store', 'LoadOrStore', 'LoadAndDelete', 'Delete', 'Swap', 'CompareAndSwap', 'CompareAndDelete']);

/**
 * True when `fn` calls a writing method (Store, LoadOrStore, Delete, Swap,
 * CompareAndSwap...) on the map `map` with the key `key` (same text) in
 * [from, to): a decision taken there, not by the earlier Load.
 */
export function writesBetween(file: GoFile, fn: Node, map: Node, key: Node, from: number, to: number): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  const mapText = compactText(map);
  const keyText = compactText(key);
  return callsIn(body).some((c) => {
    if (c.startIndex < from || c.startIndex >= to) return false;
    const info = syncMapCall(file, c);
    return !!info && SYNC_MAP_WRITES.has(info.method) && compactText(info.map) === mapText && !!info.args[0] && compactText(info.args[0]) === keyText;
  });
}


/** `v, ok := m.Load(k)` with its found and missing branches: where a check-then-act on one entry starts. */
export interface CheckedLoad {
  read: SyncMapRead;
  branches: OkBranches;
  /** The function both calls are in. */
  fn: Node;
}

/** The checked single-key Load that `call` is, if it is one. */
export function checkedLoad(file: GoFile, call: Node): CheckedLoad | null {
  const read = syncMapRead(file, call);
  if (!read || read.method !== 'Load' || read.args.length !== 1) return null;
  const branches = okBranches(file, read);
  const fn = enclosingFunction(call);
  return branches && fn ? { read, branches, fn } : null;
}

/**
 * True when `act` (a later call on a map) works on the same map and key as
 * `load` with nothing in between that makes the pair safe: no mutex taken
 * before it (double-checked locking) and no other write of that entry (a
 * LoadOrStore that already took the decision, say).
 */
export function actsOnLoadedEntry(file: GoFile, load: CheckedLoad, act: SyncMapCall): boolean {
  const { read, fn } = load;
  const from = read.call.endIndex;
  const to = act.call.startIndex;
  return (
    sameSimpleExpression(file, read.map, act.map, fn, from, to) &&
    sameSimpleExpression(file, read.args[0], act.args[0], fn, from, to) &&
    !locksBefore(fn, to) &&
    !writesBetween(file, fn, read.map, read.args[0], from, to)
  );
}

/**
 * False when no type node of the file can make holdsByValue answer for
 * `syncType`: the file's text names neither `syncType` (as in `sync.Map`)
 * nor any struct type of the package that holds one by value. Once per
 * version of the file and sync type.
 */
export function mayHoldByValue(file: GoFile, syncType: string): boolean {
  let bySync = mayHold.get(file);
  if (!bySync) mayHold.set(file, (bySync = new Map()));
  let answer = bySync.get(syncType);
  if (answer === undefined) {
    answer = mentionsIdentifier(file.text, syncType) || [...holderTypeNames(file, syncType)].some((name) => mentionsIdentifier(file.text, name));
    bySync.set(syncType, answer);
  }
  return answer;
}

const mayHold = new WeakMap<GoFile, Map<string, boolean>>();

/**
 * mayHoldByValue of the file at `path` with `text`, answered before parsing
 * it: a package none of whose files names `syncType` declares no struct
 * that holds one, so only then are the package's declarations read.
 */
export function textMayHoldByValue(packages: PackageIndex, path: string, text: string, syncType: string): boolean {
  if (mentionsIdentifier(text, syncType)) return true;
  if (!packages.siblingMentions(path, syncType)) return false;
  const own = packages.factOf(path, text, DECLARED_TYPES);
  const facts = [own, ...packages.siblingFacts(path, DECLARED_TYPES)].filter((f) => f.packageName === own.packageName).map(syncFactsOf);
  return [...holderNamesIn(facts, syncType)].some((name) => mentionsIdentifier(text, name));
}

/**
 * maySyncValue of the file at `path` with `text`, answered before parsing
 * it (less sharply: a sibling that names the type is enough).
 */
export function textMaySyncValue(packages: PackageIndex, path: string, text: string, syncType: TrackedSyncType): boolean {
  return mentionsIdentifier(text, syncType) || packages.siblingMentions(path, syncType);
}

/**
 * False when isSyncValue is false for every expression of the file: its
 * text never names `syncType` (a declared type, `new(sync.Map)`,
 * `&sync.Map{}`), and no file of the package declares a struct type that
 * embeds one, a struct field or a package variable of that kind.
 */
function maySyncValue(file: GoFile, syncType: TrackedSyncType): boolean {
  let bySync = maySync.get(file);
  if (!bySync) maySync.set(file, (bySync = new Map()));
  let answer = bySync.get(syncType);
  if (answer === undefined) {
    answer =
      mentionsIdentifier(file.text, syncType) ||
      (packageMentions(file, syncType) &&
      packageSyncFacts(file).some((f) => {
        if ((syncType === 'Map' ? f.embedding : f.embeddingPool).size > 0) return true;
        for (const types of f.variables.values()) if (types.some((t) => isNamedType(t, SYNC_PATH, syncType))) return true;
        for (const types of f.fields.values()) if (types.some((t) => isNamedType(t, SYNC_PATH, syncType))) return true;
        return false;
      }));
    bySync.set(syncType, answer);
  }
  return answer;
}

const maySync = new WeakMap<GoFile, Map<TrackedSyncType, boolean>>();

/**
 * True when some file of the package names `syncType`: otherwise no struct,
 * field or variable of the package is or holds one, and the package's
 * declarations need not be read (nor its files parsed) to say so.
 */
function packageMentions(file: GoFile, syncType: string): boolean {
  let bySync = mentions.get(file);
  if (!bySync) mentions.set(file, (bySync = new Map()));
  let answer = bySync.get(syncType);
  if (answer === undefined) {
    answer = mentionsIdentifier(file.text, syncType) || file.siblingMentions(syncType);
    bySync.set(syncType, answer);
  }
  return answer;
}

const mentions = new WeakMap<GoFile, Map<string, boolean>>();


/** Calls whose result holds a resource or an identity that a lost Store would leak or duplicate. */
const RESOURCE_CALL = /^(New|Open|Dial|Start|Connect|Listen|Acquire|Spawn|Run|Register|Export|Subscribe|Create|Launch|Go)/;

/**
 * True when `store` fills a memo cache: `m.Store(k, v)` is followed by
 * `return v` in the same block, and `v` (an expression, or a local of the
 * function and everything assigned to it) is built without a call that
 * makes a resource (New..., Open..., Dial..., make(chan), ...) and is not a
 * new pointer handed back as is (`&Session{}`: callers must share one).
 * Two racing callers each compute an equal value and return their own:
 * losing one of the two stores costs nothing.
 */
export function isMemoStore(file: GoFile, store: SyncMapCall): boolean {
  const value = store.args[1];
  const statement = store.call.parent;
  const next = statement?.type === 'expression_statement' ? statement.nextNamedSibling : null;
  if (next?.type !== 'return_statement' || !value) return false;
  // `return v`, `return v, nil`, `return v.Name, v.Type`: the caller gets the value it computed.
  const list = next.namedChild(0);
  const returned = list?.type === 'expression_list' ? namedChildren(list) : list ? [list] : [];
  const stored = compactText(value);
  const returnsItself = returned.some((r) => compactText(r) === stored);
  if (!returnsItself && !returned.some((r) => value.type === 'identifier' && compactText(r).startsWith(`${stored}.`))) return false;
  const sources: Node[] = [value];
  if (value.type === 'identifier') {
    const declaration = file.resolution.resolve(value);
    if (!declaration || declaration.kind !== 'local') return false;
    const fn = enclosingFunction(store.call);
    for (const reference of [declaration.node, ...file.resolution.referencesTo(declaration)]) {
      const holder = reference.parent?.type === 'expression_list' ? reference.parent.parent : reference.parent;
      if (holder && (holder.type === 'short_var_declaration' || holder.type === 'assignment_statement' || holder.type === 'var_spec') && enclosingFunction(holder)?.id === fn?.id) {
        const right = holder.childForFieldName(holder.type === 'var_spec' ? 'value' : 'right');
        if (right && !isAncestor(right, reference)) sources.push(right);
      }
    }
  }
  return sources.every((source) => {
    // A pointer handed back as is has an identity: callers that share it (a session per id) must share one.
    const bare = unparen(source.type === 'expression_list' ? (namedChildren(source)[0] ?? source) : source);
    if (returnsItself && ((bare.type === 'unary_expression' && bare.child(0)?.type === '&') || (bare.type === 'call_expression' && bare.childForFieldName('function')?.text === 'new'))) return false;
    let resource = false;
    walk(source, (n) => {
      if (resource) return false;
      if (n.type === 'call_expression') {
        const callee = n.childForFieldName('function');
        const name = callee?.type === 'selector_expression' ? callee.childForFieldName('field')?.text : callee?.text;
        if (name && RESOURCE_CALL.test(name)) resource = true;
      }
      if (n.type === 'channel_type') resource = true;
      return !resource;
    });
    return !resource;
  });
}
