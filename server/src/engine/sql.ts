// Facts about database/sql without a type checker: which expressions are
// known to be a *sql.DB, *sql.Tx, *sql.Conn or *sql.Stmt, from declared types
// (parameters, variables, struct fields of the package, package variables)
// and from the calls that return them (sql.Open, db.Begin, db.Prepare...).
import type { Node } from 'web-tree-sitter';
import type { GoFile } from './file';
import type { Imports } from './imports';
import { fieldTypesNamed, isNamedType, variableTypesNamed, type DeclaredType } from './declared-types';
import { namedChildren, unparen } from './syntax';

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

/** The sql type a declared type is (`*sql.DB`...), else 'other'. */
function sqlTypeOfDeclared(t: DeclaredType): SqlType | 'other' {
  return t.pointer && SQL_TYPES.has(t.name) && isNamedType(t, SQL_PATH, t.name) ? (t.name as SqlType) : 'other';
}

/** The one sql type every declaration of `name` in the package has, else null. */
function packageWide(declared: DeclaredType[]): SqlType | null {
  const types = new Set(declared.map(sqlTypeOfDeclared));
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
    return packageWide(fieldTypesNamed(file, field.text));
  }
  if (e.type === 'call_expression') return callResult(file, e, 0, depth);
  return null;
}

/** True when some file of the package declares a package-level variable named `name`. */
function packageDeclares(file: GoFile, name: string): boolean {
  return variableTypesNamed(file, name).length > 0;
}

function identifierType(file: GoFile, identifier: Node, depth: number): SqlType | null {
  const declaration = file.resolution.resolve(identifier);
  if (!declaration) return packageWide(variableTypesNamed(file, identifier.text));
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
