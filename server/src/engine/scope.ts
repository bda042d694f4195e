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
  /**
   * What the enclosing scopes answered for a name. The walk goes in source
   * order, so the enclosing scopes declare nothing new while this one is
   * open: their answer holds as long as this scope is used, and each name
   * costs one step per scope instead of the nesting depth.
   */
  private readonly outer = new Map<string, Declaration | null>();
  constructor(readonly parent: Scope | null, readonly node: Node) {}

  lookup(name: string): Declaration | undefined {
    // Up to the first scope that declares the name or knows the answer (no recursion: nesting can be deep).
    const asking: Scope[] = [];
    let found: Declaration | null = null;
    for (let s: Scope | null = this; s; s = s.parent) {
      const own = s.names.get(name);
      if (own) {
        found = own;
        break;
      }
      const known = s.outer.get(name);
      if (known !== undefined) {
        found = known;
        break;
      }
      asking.push(s);
    }
    for (const s of asking) s.outer.set(name, found);
    return found ?? undefined;
  }
}

/**
 * Go's scoping makes each top-level declaration (a unit) resolvable on its
 * own: what a unit sees from outside is the file scope (package-level names,
 * declared up front) and the imports. So a unit is resolved only when a
 * question is first asked about a node inside it; rules usually ask about a
 * few functions of a file. The answers are those of resolving the whole file
 * in order, which is what happens when the tree has syntax errors (an ERROR
 * node at the top level can declare into the file scope).
 */
export class Resolution {
  /** Identifier node id to the declaration it refers to. */
  private readonly bindings = new Map<number, Declaration>();
  /** Declaring identifier node id to its declaration. */
  private readonly declarations = new Map<number, Declaration>();
  /** References to local declarations (all in the declaration's unit). */
  private readonly references = new Map<Declaration, Node[]>();
  /** References to package-level names and imports, per unit, so that they can be given in unit order. */
  private readonly outerReferences: Map<Declaration, Node[]>[] = [];
  /** Package-level declarations by name. */
  private readonly byName = new Map<string, Declaration[]>();
  /** Local declarations by name, per unit. */
  private readonly unitByName: Map<string, Declaration[]>[] = [];
  /** The top-level declarations, in source order. */
  private readonly units: Node[];
  /** Per unit: undefined until resolved, true once resolved, else the error its resolution threw. */
  private readonly unitState: (true | { error: unknown } | undefined)[] = [];
  private readonly file: Scope;
  /** While a unit is resolved, its index (where declarations and references go). */
  private current = -1;

  constructor(root: Node, imports: Imports) {
    const universe = new Scope(null, root);
    for (const [name, path] of imports.byName) {
      universe.names.set(name, { name, kind: 'import', node: root, scope: root, importPath: path });
    }
    this.file = new Scope(universe, root);
    this.imports = imports;
    this.units = namedChildren(root);
    this.declarePackageLevel(root, this.file);
    this.eager = root.hasError || this.units.some((u) => !SELF_CONTAINED_UNITS.has(u.type));
    if (this.eager) for (let i = 0; i < this.units.length; i++) this.resolveUnit(i);
  }

  /** True when the whole file was resolved at once (a local declaration may then be visible in other units). */
  private readonly eager: boolean;

  private readonly imports: Imports;

  /** The declaration an identifier refers to (or declares); undefined for universe or other-file names. */
  resolve(identifier: Node): Declaration | undefined {
    this.resolveUnitsAround(identifier);
    return this.bindings.get(identifier.id) ?? this.declarations.get(identifier.id);
  }

  /** True when `identifier` is a declaration site rather than a reference. */
  isDeclaration(identifier: Node): boolean {
    this.resolveUnitsAround(identifier);
    return this.declarations.has(identifier.id);
  }

  /** Every reference (not the declaration itself) to `declaration`, in source order. */
  referencesTo(declaration: Declaration): readonly Node[] {
    if (declaration.kind === 'local') {
      this.resolveUnitsAround(declaration.node);
      return this.references.get(declaration) ?? [];
    }
    for (let i = 0; i < this.units.length; i++) this.resolveUnit(i);
    const all: Node[] = [];
    for (const unit of this.outerReferences) for (const n of unit?.get(declaration) ?? []) all.push(n);
    return all;
  }

  /**
   * The declaration of `name` visible at `at`: the innermost one whose scope
   * contains `at` and that is declared before it (package-level names are
   * visible everywhere); undefined for universe and other-file names.
   */
  lookupAt(at: Node, name: string): Declaration | undefined {
    let best: Declaration | undefined;
    const consider = (candidates: readonly Declaration[] | undefined) => {
      for (const d of candidates ?? []) {
        const visible = d.kind === 'package' || (d.scope.startIndex <= at.startIndex && at.endIndex <= d.scope.endIndex && d.node.startIndex < at.startIndex);
        if (visible && (!best || d.scope.endIndex - d.scope.startIndex <= best.scope.endIndex - best.scope.startIndex)) best = d;
      }
    };
    consider(this.byName.get(name));
    // A local declaration is visible only inside its unit (unless the file was resolved eagerly).
    for (const i of this.eager ? this.units.keys() : this.unitsAround(at)) {
      this.resolveUnit(i);
      consider(this.unitByName[i]?.get(name));
    }
    return best;
  }

  /** True when `identifier` refers to the import of `path` (not shadowed). */
  refersToImport(identifier: Node, path: string): boolean {
    // Only a name that imports `path` can refer to it: no need to resolve otherwise.
    if (this.imports.byName.get(identifier.text) !== path) return false;
    this.resolveUnitsAround(identifier);
    const d = this.bindings.get(identifier.id);
    return d?.kind === 'import' && d.importPath === path;
  }

  /** Indices of the units whose extent contains `node`'s, in source order. */
  private unitsAround(node: Node): number[] {
    const start = node.startIndex;
    const end = node.endIndex;
    // The last unit that starts at or before `start`; zero-width or adjacent units may share a boundary.
    let lo = 0;
    let hi = this.units.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.units[mid].startIndex <= start) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const found: number[] = [];
    for (let i = last; i >= 0; i--) {
      const unit = this.units[i];
      if (unit.endIndex < start) break;
      if (unit.startIndex <= start && end <= unit.endIndex) found.push(i);
    }
    return found.reverse();
  }

  private resolveUnitsAround(node: Node): void {
    for (const i of this.unitsAround(node)) this.resolveUnit(i);
  }

  private resolveUnit(i: number): void {
    const state = this.unitState[i];
    if (state === true) return;
    if (state) throw state.error;
    this.current = i;
    try {
      this.visit(this.units[i], this.file);
      this.unitState[i] = true;
    } catch (error) {
      this.unitState[i] = { error };
      throw error;
    } finally {
      this.current = -1;
    }
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
    const byName = kind === 'package' ? this.byName : (this.unitByName[this.current] ??= new Map());
    let sameName = byName.get(identifier.text);
    if (!sameName) byName.set(identifier.text, (sameName = []));
    sameName.push(declaration);
  }

  private bind(identifier: Node, scope: Scope): void {
    const declaration = scope.lookup(identifier.text);
    if (!declaration) return;
    this.bindings.set(identifier.id, declaration);
    const references = declaration.kind === 'local' ? this.references : (this.outerReferences[this.current] ??= new Map());
    let list = references.get(declaration);
    if (!list) references.set(declaration, (list = []));
    list.push(identifier);
  }

  /**
   * Visits `root` and everything below it, in source order. The walk keeps
   * its own stack of tasks rather than recursing, so a deeply nested file
   * (a thousand nested loops) cannot overflow the call stack: each visit
   * returns the tasks that come next, in order, and they run before the
   * tasks that were already waiting.
   */
  private visit(root: Node, scope: Scope): void {
    const stack: Task[] = [() => this.step(root, scope)];
    while (stack.length) {
      const next = stack.pop()!();
      if (next) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
  }

  private visitAll(nodes: readonly (Node | null)[], scope: Scope): Task[] {
    const tasks: Task[] = [];
    for (const n of nodes) if (n) tasks.push(() => this.step(n, scope));
    return tasks;
  }

  /** One node: its own work now, its children as the tasks returned. */
  private step(node: Node, scope: Scope): Task[] | void {
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
        return specsOf(node).flatMap((spec) => [
          ...this.visitAll(spec.childrenForFieldName('type'), scope),
          ...this.visitAll(spec.childrenForFieldName('value'), scope),
          () => {
            for (const name of spec.childrenForFieldName('name')) if (name) this.declare(scope, name);
          },
        ]);
      case 'selector_expression':
        return this.visitAll([node.childForFieldName('operand')], scope);
      case 'labeled_statement':
      case 'goto_statement':
      case 'break_statement':
      case 'continue_statement':
        return this.visitAll(node.namedChildren.filter((c) => c?.type !== 'label_name'), scope);
      default:
        if (node.namedChildCount > 0) return this.visitAll(node.namedChildren, scope);
    }
  }

  private visitPackageSpecs(node: Node, scope: Scope): Task[] {
    return specsOf(node).flatMap((spec) => [...this.visitAll(spec.childrenForFieldName('type'), scope), ...this.visitAll(spec.childrenForFieldName('value'), scope)]);
  }

  /** `a, b := x, y`: the right side first, then new names declared, existing ones bound. */
  private visitDefinition(left: Node | null, right: Node | null, scope: Scope, defines: boolean): Task[] {
    const tasks = this.visitAll([right], scope);
    for (const target of left ? namedChildren(left) : []) {
      tasks.push(() => {
        if (defines && target.type === 'identifier' && !scope.names.has(target.text)) this.declare(scope, target);
        else return this.step(target, scope);
      });
    }
    return tasks;
  }

  private visitFunction(fn: Node, outer: Scope): Task[] {
    const scope = new Scope(outer, fn);
    const tasks: Task[] = [];
    for (const field of ['receiver', 'type_parameters', 'parameters', 'result']) {
      const list = fn.childForFieldName(field);
      if (!list) continue;
      for (const param of namedChildren(list)) {
        tasks.push(...this.visitAll(param.childrenForFieldName('type'), scope), () => {
          for (const name of param.childrenForFieldName('name')) if (name) this.declare(scope, name);
        });
      }
    }
    const body = fn.childForFieldName('body');
    if (body) tasks.push(...this.visitAll(body.namedChildren, scope));
    return tasks;
  }

  private visitTypeSwitch(node: Node, outer: Scope): Task[] {
    const scope = new Scope(outer, node);
    const tasks = this.visitAll([node.childForFieldName('initializer'), node.childForFieldName('value')], scope);
    const alias = node.childForFieldName('alias')?.namedChild(0) ?? null;
    for (const clause of namedChildren(node)) {
      if (clause.type !== 'type_case' && clause.type !== 'default_case') continue;
      tasks.push(() => {
        const clauseScope = new Scope(scope, clause);
        if (alias) this.declare(clauseScope, alias);
        return this.visitAll(clause.namedChildren, clauseScope);
      });
    }
    return tasks;
  }
}

/** A piece of the resolution walk: it does its work and returns what comes next, in order. */
type Task = () => Task[] | void;

/** Top-level declarations that cannot declare into the file scope (in a tree without syntax errors). */
const SELF_CONTAINED_UNITS = new Set(['package_clause', 'import_declaration', 'function_declaration', 'method_declaration', 'var_declaration', 'const_declaration', 'type_declaration']);

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

/** Go's predeclared types (the universe block): never a type of the package. */
export const PREDECLARED_TYPES: ReadonlySet<string> = new Set(['bool', 'byte', 'rune', 'string', 'error', 'any', 'comparable', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128']);

/** Go's built-in functions (the universe block): never a function of the package. */
export const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set(['append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic', 'print', 'println', 'real', 'recover']);
