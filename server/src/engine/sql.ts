// Facts about database/sql without a type checker: which expressions are
// known to be a *sql.DB, *sql.Tx, *sql.Conn or *sql.Stmt, from declared types
// (parameters, variables, struct fields of the package, package variables)
// and from the calls that return them (sql.Open, db.Begin, db.Prepare...).
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import { readImports, type Imports } from './imports';
import type { FileFactKind } from './package';
import { namedChildren, unparen, walk } from './syntax';

export type SqlType = 'DB' | 'Tx' | 'Conn' | 'Stmt';

const SQL_TYPES: ReadonlySet<string> = new Set<SqlType>(['DB', 'Tx', 'Conn', 'Stmt']);
const SQL_PATH = 'database/sql';

/**
 * The methods of each type that have a context-taking twin, with the twin:
 * `Begin` becomes `BeginTx(ctx, nil)`, the others `<Name>Context(ctx, ...)`.
 * `*sql.Conn` has only the context-taking forms.
 */
export const SQL_CONTEXT_TWINS: Readonly<Record<SqlType, Readonly<Record<string, string>>>> = {
  DB: { Query: 'QueryContext', QueryRow: 'QueryRowContext', Exec: 'ExecContext', Prepare: 'PrepareContext', Begin: 'BeginTx', Ping: 'PingContext' },
  Tx: { Query: 'QueryContext', QueryRow: 'QueryRowContext', Exec: 'ExecContext', Prepare: 'PrepareContext', Stmt: 'StmtContext' },
  Stmt: { Query: 'QueryContext', QueryRow: 'QueryRowContext', Exec: 'ExecContext' },
  Conn: {},
};

/** What a method of a known sql type returns first, when that is a sql type. */
const RESULTS: Readonly<Record<SqlType, Readonly<Record<string, SqlType>>>> = {
  DB: { Begin: 'Tx', BeginTx: 'Tx', Prepare: 'Stmt', PrepareContext: 'Stmt', Conn: 'Conn' },
  Tx: { Prepare: 'Stmt', PrepareContext: 'Stmt', Stmt: 'Stmt', StmtContext: 'Stmt' },
  Conn: { BeginTx: 'Tx', PrepareContext: 'Stmt' },
  Stmt: {},
};

/** `*sql.DB` (any alias of database/sql, or a dot import) as a SqlType, given the imports of the type's file. */
export function sqlPointerType(type: Node | null, imports: Imports): SqlType | null {
  if (type?.type !== 'pointer_type') return null;
  return sqlNamedType(type.namedChild(0), imports);
}

/** `sql.DB` (any alias, or a dot import) as a SqlType. */
function sqlNamedType(named: Node | null, imports: Imports): SqlType | null {
  if (!named) return null;
  if (named.type === 'qualified_type') {
    const pkg = named.childForFieldName('package')?.text;
    const name = named.childForFieldName('name')?.text ?? '';
    return pkg && imports.byName.get(pkg) === SQL_PATH && SQL_TYPES.has(name) ? (name as SqlType) : null;
  }
  if (named.type === 'type_identifier' && imports.dotImported.has(SQL_PATH) && SQL_TYPES.has(named.text)) return named.text as SqlType;
  return null;
}

/** Per file: the package name, and the sql types of struct fields and package variables by name ('other' for any other type). */
interface SqlNames {
  packageName: string;
  fields: Map<string, Set<SqlType | 'other'>>;
  variables: Map<string, Set<SqlType | 'other'>>;
}

function add(map: Map<string, Set<SqlType | 'other'>>, name: string, type: SqlType | 'other'): void {
  let set = map.get(name);
  if (!set) map.set(name, (set = new Set()));
  set.add(type);
}

export const SQL_NAMES: FileFactKind<SqlNames> = {
  key: 'sql-names',
  // Struct fields (of types declared anywhere, functions too) and package variables.
  reads: (keyword, text) => keyword !== 'func' || text.includes('struct'),
  compute(root) {
    const imports = readImports(root);
    const facts: SqlNames = {
      packageName: root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '',
      fields: new Map(),
      variables: new Map(),
    };
    walk(root, (n) => {
      if (n.type !== 'field_declaration') return true;
      const type = n.childForFieldName('type');
      const names = n.childrenForFieldName('name').filter((x): x is Node => !!x);
      if (names.length > 0) {
        const sql = sqlPointerType(type, imports) ?? 'other';
        for (const name of names) add(facts.fields, name.text, sql);
      } else if (type) {
        // An embedded field: `*sql.DB` is a field named DB (the `*` is a token of the declaration).
        const pointer = n.children.some((c) => c?.type === '*');
        add(facts.fields, embeddedName(type), (pointer && sqlNamedType(type, imports)) || 'other');
      }
      return true;
    });
    for (const child of namedChildren(root)) {
      if (child.type !== 'var_declaration') continue;
      walk(child, (n) => {
        if (n.type !== 'var_spec') return true;
        const sql = sqlPointerType(n.childForFieldName('type'), imports) ?? 'other';
        for (const name of n.childrenForFieldName('name')) if (name) add(facts.variables, name.text, sql);
        return false;
      });
    }
    return facts;
  },
};

/** The field name of an embedded field: the type's name without pointer, package or type arguments. */
function embeddedName(type: Node): string {
  let t = type;
  if (t.type === 'generic_type' && t.childForFieldName('type')) t = t.childForFieldName('type')!;
  if (t.type === 'qualified_type') return t.childForFieldName('name')?.text ?? t.text;
  return t.text;
}

/** The one sql type every declaration of `name` in the package has, else null. */
function packageWide(file: GoFile, name: string, which: 'fields' | 'variables'): SqlType | null {
  const types = new Set<SqlType | 'other'>();
  for (const facts of file.packageFacts(SQL_NAMES)) {
    if (facts.packageName !== file.packageName) continue;
    for (const t of facts[which].get(name) ?? []) types.add(t);
  }
  if (types.size !== 1) return null;
  const [only] = types;
  return only === 'other' ? null : only;
}

/**
 * The sql type of `expression` when it is known to be a *sql.DB, *sql.Tx,
 * *sql.Conn or *sql.Stmt: an identifier declared with that type (or bound to
 * sql.Open, db.Begin, db.Prepare... with `:=` or `var`), or a field `x.f`
 * where every struct field named `f` in the package has that type.
 */
export function sqlTypeOf(file: GoFile, expression: Node, depth = 0): SqlType | null {
  if (depth > 4) return null;
  const e = unparen(expression);
  if (e.type === 'identifier') return identifierType(file, e, depth);
  if (e.type === 'selector_expression') {
    const operand = e.childForFieldName('operand');
    const field = e.childForFieldName('field');
    if (!operand || !field) return null;
    const base = unparen(operand);
    if (base.type === 'identifier' && file.resolution.resolve(base)?.kind === 'import') return null;
    if (base.type === 'identifier' && file.imports.dotImported.size === 0 && !file.resolution.resolve(base) && !packageDeclares(file, base.text)) return null;
    return packageWide(file, field.text, 'fields');
  }
  if (e.type === 'call_expression') return callResult(file, e, 0, depth);
  return null;
}

/** True when some file of the package declares a package-level variable named `name`. */
function packageDeclares(file: GoFile, name: string): boolean {
  return file.packageFacts(SQL_NAMES).some((f) => f.packageName === file.packageName && f.variables.has(name));
}

function identifierType(file: GoFile, identifier: Node, depth: number): SqlType | null {
  const declaration = file.resolution.resolve(identifier);
  if (!declaration) return packageWide(file, identifier.text, 'variables');
  if (declaration.kind === 'import') return null;
  const name = declaration.node;
  const parent = name.parent;
  if (!parent) return null;
  switch (parent.type) {
    case 'parameter_declaration':
      return sqlPointerType(parent.childForFieldName('type'), file.imports);
    case 'var_spec': {
      const type = parent.childForFieldName('type');
      if (type) return sqlPointerType(type, file.imports);
      const names = parent.childrenForFieldName('name').filter((n): n is Node => !!n);
      const values = parent.childForFieldName('value');
      return values ? boundValue(file, names, name, namedChildren(values), depth) : null;
    }
    case 'expression_list': {
      const statement = parent.parent;
      if (statement?.type !== 'short_var_declaration' || statement.childForFieldName('left')?.id !== parent.id) return null;
      const values = statement.childForFieldName('right');
      return values ? boundValue(file, namedChildren(parent), name, namedChildren(values), depth) : null;
    }
  }
  return null;
}

/** The sql type of `name` in `names = values` (`a, b := f()` or `a, b := x, y`). */
function boundValue(file: GoFile, names: Node[], name: Node, values: Node[], depth: number): SqlType | null {
  const index = names.findIndex((n) => n.id === name.id);
  if (index < 0) return null;
  if (values.length === names.length) return sqlTypeOf(file, values[index], depth + 1);
  if (values.length === 1 && unparen(values[0]).type === 'call_expression') return callResult(file, unparen(values[0]), index, depth);
  return null;
}

/** The sql type of result `index` of a call: sql.Open, sql.OpenDB, or a method of a known sql value that returns one. */
function callResult(file: GoFile, call: Node, index: number, depth: number): SqlType | null {
  if (index !== 0) return null;
  const callee = call.childForFieldName('function');
  if (!callee) return null;
  const member = file.packageMember(callee, SQL_PATH);
  if (member === 'Open' || member === 'OpenDB') return 'DB';
  if (callee.type !== 'selector_expression') return null;
  const receiver = callee.childForFieldName('operand');
  const method = callee.childForFieldName('field')?.text ?? '';
  const type = receiver ? sqlTypeOf(file, receiver, depth + 1) : null;
  return type ? (RESULTS[type][method] ?? null) : null;
}
