// Identifier resolution with Go's scoping rules, without types: each
// `identifier` in a function body is bound to the declaration it refers to
// (parameters, results, `var`, `const`, `:=` with redeclaration, range and
// select variables, type-switch aliases, function literals), to a
// package-level name declared in this file, or to an import.
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './syntax';
import type { Imports } from './imports';

export type DeclarationKind = 'local' | 'package' | 'import';

export interface Declaration {
  readonly name: string;
  readonly kind: DeclarationKind;
  /** The declaring identifier; for imports, the import spec. */
  readonly node: Node;
  /** The node whose extent is the scope the name is visible in (function body, block, clause...). */
  readonly scope: Node;
  /** For imports: the imported path. */
  readonly importPath?: string;
}

class Scope {
  readonly names = new Map<string, Declaration>();
  constructor(readonly parent: Scope | null, readonly node: Node) {}

  lookup(name: string): Declaration | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const d = s.names.get(name);
      if (d) return d;
    }
    return undefined;
  }
}

export class Resolution {
  /** Identifier node id to the declaration it refers to. */
  private readonly bindings = new Map<number, Declaration>();
  /** Declaring identifier node id to its declaration. */
  private readonly declarations = new Map<number, Declaration>();
  private readonly references = new Map<Declaration, Node[]>();
  private readonly byName = new Map<string, Declaration[]>();

  constructor(root: Node, imports: Imports) {
    const universe = new Scope(null, root);
    for (const [name, path] of imports.byName) {
      universe.names.set(name, { name, kind: 'import', node: root, scope: root, importPath: path });
    }
    const file = new Scope(universe, root);
    this.declarePackageLevel(root, file);
    for (const child of namedChildren(root)) this.visit(child, file);
  }

  /** The declaration an identifier refers to (or declares); undefined for universe or other-file names. */
  resolve(identifier: Node): Declaration | undefined {
    return this.bindings.get(identifier.id) ?? this.declarations.get(identifier.id);
  }

  /** True when `identifier` is a declaration site rather than a reference. */
  isDeclaration(identifier: Node): boolean {
    return this.declarations.has(identifier.id);
  }

  /** Every reference (not the declaration itself) to `declaration`, in source order. */
  referencesTo(declaration: Declaration): readonly Node[] {
    return this.references.get(declaration) ?? [];
  }

  /**
   * The declaration of `name` visible at `at`: the innermost one whose scope
   * contains `at` and that is declared before it (package-level names are
   * visible everywhere); undefined for universe and other-file names.
   */
  lookupAt(at: Node, name: string): Declaration | undefined {
    let best: Declaration | undefined;
    for (const d of this.byName.get(name) ?? []) {
      const visible = d.kind === 'package' || (d.scope.startIndex <= at.startIndex && at.endIndex <= d.scope.endIndex && d.node.startIndex < at.startIndex);
      if (visible && (!best || d.scope.endIndex - d.scope.startIndex <= best.scope.endIndex - best.scope.startIndex)) best = d;
    }
    return best;
  }

  /** True when `identifier` refers to the import of `path` (not shadowed). */
  refersToImport(identifier: Node, path: string): boolean {
    const d = this.bindings.get(identifier.id);
    return d?.kind === 'import' && d.importPath === path;
  }

  private declarePackageLevel(root: Node, file: Scope): void {
    for (const child of namedChildren(root)) {
      switch (child.type) {
        case 'function_declaration': {
          const name = child.childForFieldName('name');
          if (name) this.declare(file, name, 'package');
          break;
        }
        case 'var_declaration':
        case 'const_declaration':
          for (const spec of specsOf(child)) for (const name of spec.childrenForFieldName('name')) if (name) this.declare(file, name, 'package');
          break;
        case 'type_declaration':
          for (const spec of namedChildren(child)) {
            const name = spec.childForFieldName('name');
            if (name) this.declare(file, name, 'package');
          }
          break;
      }
    }
  }

  private declare(scope: Scope, identifier: Node, kind: DeclarationKind = 'local'): void {
    if (identifier.type !== 'identifier' && identifier.type !== 'type_identifier') return;
    if (identifier.text === '_') return;
    const declaration: Declaration = { name: identifier.text, kind, node: identifier, scope: scope.node };
    scope.names.set(identifier.text, declaration);
    this.declarations.set(identifier.id, declaration);
    let sameName = this.byName.get(identifier.text);
    if (!sameName) this.byName.set(identifier.text, (sameName = []));
    sameName.push(declaration);
  }

  private bind(identifier: Node, scope: Scope): void {
    const declaration = scope.lookup(identifier.text);
    if (!declaration) return;
    this.bindings.set(identifier.id, declaration);
    let list = this.references.get(declaration);
    if (!list) this.references.set(declaration, (list = []));
    list.push(identifier);
  }

  private visitAll(nodes: readonly (Node | null)[], scope: Scope): void {
    for (const n of nodes) if (n) this.visit(n, scope);
  }

  private visit(node: Node, scope: Scope): void {
    switch (node.type) {
      case 'identifier':
        this.bind(node, scope);
        return;
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        return this.visitFunction(node, scope);
      case 'block':
      case 'expression_case':
      case 'default_case':
      case 'communication_case':
        return this.visitAll(node.namedChildren, new Scope(scope, node));
      case 'if_statement':
      case 'for_statement':
      case 'expression_switch_statement':
      case 'select_statement':
        return this.visitAll(node.namedChildren, new Scope(scope, node));
      case 'type_switch_statement':
        return this.visitTypeSwitch(node, scope);
      case 'short_var_declaration':
        return this.visitDefinition(node.childForFieldName('left'), node.childForFieldName('right'), scope, true);
      case 'range_clause':
      case 'receive_statement':
        return this.visitDefinition(node.childForFieldName('left'), node.childForFieldName('right'), scope, hasToken(node, ':='));
      case 'var_declaration':
      case 'const_declaration':
        if (node.parent?.type === 'source_file') return this.visitPackageSpecs(node, scope);
        for (const spec of specsOf(node)) {
          this.visitAll(spec.childrenForFieldName('type'), scope);
          this.visitAll(spec.childrenForFieldName('value'), scope);
          for (const name of spec.childrenForFieldName('name')) if (name) this.declare(scope, name);
        }
        return;
      case 'selector_expression':
        return this.visitAll([node.childForFieldName('operand')], scope);
      case 'labeled_statement':
      case 'goto_statement':
      case 'break_statement':
      case 'continue_statement':
        return this.visitAll(node.namedChildren.filter((c) => c?.type !== 'label_name'), scope);
      default:
        if (node.namedChildCount > 0) this.visitAll(node.namedChildren, scope);
    }
  }

  private visitPackageSpecs(node: Node, scope: Scope): void {
    for (const spec of specsOf(node)) {
      this.visitAll(spec.childrenForFieldName('type'), scope);
      this.visitAll(spec.childrenForFieldName('value'), scope);
    }
  }

  /** `a, b := x, y`: the right side first, then new names declared, existing ones bound. */
  private visitDefinition(left: Node | null, right: Node | null, scope: Scope, defines: boolean): void {
    if (right) this.visit(right, scope);
    if (!left) return;
    for (const target of namedChildren(left)) {
      if (defines && target.type === 'identifier' && !scope.names.has(target.text)) this.declare(scope, target);
      else this.visit(target, scope);
    }
  }

  private visitFunction(fn: Node, outer: Scope): void {
    const scope = new Scope(outer, fn);
    for (const field of ['receiver', 'type_parameters', 'parameters', 'result']) {
      const list = fn.childForFieldName(field);
      if (!list) continue;
      for (const param of namedChildren(list)) {
        this.visitAll(param.childrenForFieldName('type'), scope);
        for (const name of param.childrenForFieldName('name')) if (name) this.declare(scope, name);
      }
    }
    const body = fn.childForFieldName('body');
    if (body) this.visitAll(body.namedChildren, scope);
  }

  private visitTypeSwitch(node: Node, outer: Scope): void {
    const scope = new Scope(outer, node);
    this.visitAll([node.childForFieldName('initializer'), node.childForFieldName('value')], scope);
    const alias = node.childForFieldName('alias')?.namedChild(0) ?? null;
    for (const clause of namedChildren(node)) {
      if (clause.type !== 'type_case' && clause.type !== 'default_case') continue;
      const clauseScope = new Scope(scope, clause);
      if (alias) this.declare(clauseScope, alias);
      this.visitAll(clause.namedChildren, clauseScope);
    }
  }
}

function specsOf(declaration: Node): Node[] {
  const specs: Node[] = [];
  for (const child of namedChildren(declaration)) {
    if (child.type === 'var_spec' || child.type === 'const_spec') specs.push(child);
    else if (child.type === 'var_spec_list' || child.type === 'const_spec_list') specs.push(...namedChildren(child).filter((c) => c.type.endsWith('_spec')));
  }
  return specs;
}

function hasToken(node: Node, token: string): boolean {
  for (const child of node.children) if (child?.type === token) return true;
  return false;
}
