// The package model's function summaries, from syntax alone: for every
// method of the package and every function that mentions `Context`, its
// parameters with their declared types, whether a context parameter is used
// or compared with nil, and which parameter a function's returned context is
// derived from. One fact per file (FUNCTION_SUMMARIES), read by every rule
// family that asks what another function of the package does with what it is
// given: nil-context, background-context-in-scope, context-growth-in-loop, the
// goroutine families (which method `go x.m()` runs).
import type { Node } from 'web-tree-sitter';
import { DERIVES, derivingCall, type DerivingCall } from './context-flow';
import { declaredTypeOf, isNamedType, type DeclaredType } from './declared-types';
import { GoFile } from './file';
import { readImports, type Imports } from './imports';
import type { FileFactKind } from './package';
import { enclosingFunction, mentionsIdentifier, namedChildren, unparen } from './syntax';

/** A function or method of the package, as the package model sees it from another function. */
export interface FunctionSummary {
  parameters: {
    /** '_' for a blank or unnamed parameter. */
    name: string;
    type: DeclaredType | null;
    /** A context.Context parameter that its body mentions (false for parameters of other types: not worked out). */
    used: boolean;
    /** A context.Context parameter that its body compares with nil (`if ctx == nil { ctx = context.Background() }`). */
    nilChecked: boolean;
  }[];
  /**
   * For a function (not a method): the index of the parameter that every
   * return derives its first result from (`return context.WithValue(ctx, k,
   * v)`), if there is one.
   */
  derivesContextFrom?: number;
}

/** A file's facts about its functions by name, and about its methods by receiver type name, then method name. */
export interface ByOwner<T> {
  functions: Map<string, T>;
  methods: Map<string, Map<string, T>>;
}

/** Records `value` for the function `name`, or for the method `name` of the type `receiverType`. */
export function setByOwner<T>(facts: ByOwner<T>, receiverType: string | undefined, name: string, value: T): void {
  if (!receiverType) {
    facts.functions.set(name, value);
    return;
  }
  let set = facts.methods.get(receiverType);
  if (!set) facts.methods.set(receiverType, (set = new Map()));
  set.set(name, value);
}

/** Per file: package functions that mention `Context`, and methods. */
interface FileSummaries extends ByOwner<FunctionSummary> {
  packageName: string;
}

/**
 * Per file: its package name, its methods (the method sets of its types)
 * and its functions that mention `Context` (the only ones any question of
 * the model needs so far: reading every function would parse nearly every
 * sibling whole).
 */
export const FUNCTION_SUMMARIES: FileFactKind<FileSummaries> = {
  key: 'summaries',
  reads: (keyword, text) => keyword === 'import' || (keyword === 'func' && (/^func\s*\(/.test(text) || text.includes('Context'))),
  compute(root, path, text, own) {
    const imports = readImports(root);
    const facts: FileSummaries = { packageName: root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '', functions: new Map(), methods: new Map() };
    // Scopes only for a function that may return a derived context.
    let file: GoFile | undefined = own;
    for (const fn of namedChildren(root)) {
      if (fn.type !== 'method_declaration' && fn.type !== 'function_declaration') continue;
      const name = fn.childForFieldName('name')?.text;
      const type = fn.type === 'method_declaration' ? receiverTypeName(fn) : undefined;
      if (!name || (fn.type === 'method_declaration' && !type)) continue;
      if (!type && !fn.text.includes('Context')) continue;
      const summary = summarize(fn, imports);
      if (!type) {
        const body = fn.childForFieldName('body');
        if (fn.childForFieldName('result') && body && DERIVES.test(body.text)) {
          const index = derivedParameterIndex((file ??= new GoFile(path, text, root.tree)), fn, body);
          if (index !== undefined) summary.derivesContextFrom = index;
        }
      }
      setByOwner(facts, type, name, summary);
    }
    return facts;
  },
};

function summarize(fn: Node, imports: Imports): FunctionSummary {
  let body: string | undefined;
  const parameters: FunctionSummary['parameters'] = [];
  for (const p of namedChildren(fn.childForFieldName('parameters') ?? fn)) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const declared = declaredTypeOf(p.childForFieldName('type'), imports);
    const names = p.childrenForFieldName('name').filter((n): n is Node => !!n);
    // Whether the body uses a parameter is asked of contexts only (a function that ignores its context): not worked out for the others.
    const context = isNamedType(declared, 'context', 'Context');
    for (const n of names.length > 0 ? names.map((n) => n.text) : ['_']) {
      const used = context && n !== '_' && mentionsIdentifier((body ??= fn.childForFieldName('body')?.text ?? ''), n);
      parameters.push({ name: n, type: declared, used, nilChecked: used && nilComparison(n).test(body!) });
    }
  }
  return { parameters };
}

function nilComparison(name: string): RegExp {
  return new RegExp(`\\b${name}\\s*[!=]=\\s*nil\\b|\\bnil\\s*[!=]=\\s*${name}\\b`);
}

const derivingByFile = new WeakMap<GoFile, Map<string, Node>>();

/** The functions of this file with results whose body derives a context, by name (candidates for derivesContextFrom). */
function ownDerivingFunctions(file: GoFile): Map<string, Node> {
  let byName = derivingByFile.get(file);
  if (!byName) {
    byName = new Map();
    for (const fn of namedChildren(file.root)) {
      const name = fn.type === 'function_declaration' && fn.childForFieldName('result') ? fn.childForFieldName('name')?.text : undefined;
      if (name && DERIVES.test(fn.childForFieldName('body')?.text ?? '')) byName.set(name, fn);
    }
    derivingByFile.set(file, byName);
  }
  return byName;
}

/** Per version of a file: the derived-context parameter of its functions (FunctionSummary.derivesContextFrom) by id. */
const derivedByFile = new WeakMap<GoFile, Map<number, number | undefined>>();

/** derivesContextFrom of a function of this very file, worked out for it alone (not the file's whole summary). */
function ownDerivedIndex(file: GoFile, fn: Node): number | undefined {
  let byFunction = derivedByFile.get(file);
  if (!byFunction) derivedByFile.set(file, (byFunction = new Map()));
  if (!byFunction.has(fn.id)) {
    const body = fn.childForFieldName('body');
    byFunction.set(fn.id, fn.childForFieldName('result') && body && DERIVES.test(body.text) ? derivedParameterIndex(file, fn, body) : undefined);
  }
  return byFunction.get(fn.id);
}

/** The index of the parameter every return of the function derives its first value from (`return context.WithValue(ctx, k, v)`), if one. */
function derivedParameterIndex(file: GoFile, fn: Node, body: Node): number | undefined {
  const parameters = namedChildren(fn.childForFieldName('parameters')!).flatMap((p) =>
    p.type === 'parameter_declaration' ? p.childrenForFieldName('name').filter((n): n is Node => !!n) : [null],
  );
  let index: number | undefined;
  let returns = 0;
  for (const ret of body.descendantsOfType('return_statement')) {
    if (!ret || enclosingFunction(ret)?.id !== fn.id) continue;
    returns++;
    const values = ret.namedChild(0);
    const first = values?.type === 'expression_list' ? values.namedChild(0) : values;
    const derive = first ? derivingCall(file, unparen(first)) : null;
    const declaration = derive?.parent.type === 'identifier' ? file.resolution.resolve(derive.parent) : undefined;
    const i = declaration ? parameters.findIndex((p) => p?.id === declaration.node.id) : -1;
    if (i < 0 || (index !== undefined && index !== i)) return undefined;
    index = i;
  }
  return returns > 0 ? index : undefined;
}

/** The name of a method's receiver type (`(s *Server)`, `(s Set[T])`: Server, Set). */
export function receiverTypeName(method: Node): string | undefined {
  const receiver = method.childForFieldName('receiver')?.namedChild(0);
  let type = receiver?.childForFieldName('type');
  if (type?.type === 'pointer_type') type = type.namedChild(0);
  if (type?.type === 'generic_type') type = type.childForFieldName('type');
  return type?.type === 'type_identifier' ? type.text : undefined;
}

/** The summaries of the files of `file`'s package, itself first (files of another package, such as `x_test`, left out). */
function packageSummaries(file: GoFile): FileSummaries[] {
  return file.packageFacts(FUNCTION_SUMMARIES).filter((f) => f.packageName === file.packageName);
}

/**
 * The text of a declaration of function (or method) `name`: another file is
 * read for a summary only when its text holds one (a call of a builtin or of
 * another package's function then costs no parse).
 */
export function declaring(name: string, method: boolean): RegExp {
  return new RegExp(method ? `\\bfunc\\s*\\([^)]*\\)\\s*${name}\\s*[\\[(]` : `\\bfunc\\s+${name}\\s*[\\[(]`);
}

/** The method `name` declared on the package type `typeName` in any file of the package, if one (not promoted through embedding). */
export function packageMethod(file: GoFile, typeName: string, name: string): FunctionSummary | null {
  file.dependsOn(name);
  // This file first: the others are read (and parsed) only when it does not declare it.
  const own = file.ownFact(FUNCTION_SUMMARIES).methods.get(typeName)?.get(name);
  if (own) return own;
  if (!file.siblingMentions(declaring(name, true))) return null;
  for (const facts of packageSummaries(file)) {
    const method = facts.methods.get(typeName)?.get(name);
    if (method) return method;
  }
  return null;
}

/** Every method named `name` that a type of the package declares. */
export function packageMethodsNamed(file: GoFile, name: string): FunctionSummary[] {
  file.dependsOn(name);
  const facts = file.siblingMentions(declaring(name, true)) ? packageSummaries(file) : [file.ownFact(FUNCTION_SUMMARIES)];
  return facts.flatMap((f) => [...f.methods.values()].flatMap((set) => set.get(name) ?? []));
}

/** How many types declared in the package's other files have a method named `name`. */
export function methodsNamedElsewhere(file: GoFile, name: string): number {
  file.dependsOn(name);
  if (!file.siblingMentions(declaring(name, true))) return 0;
  return file
    .siblingFacts(FUNCTION_SUMMARIES)
    .filter((f) => f.packageName === file.packageName)
    .reduce((n, f) => n + [...f.methods.values()].filter((set) => set.has(name)).length, 0);
}

/** The package function `name`, declared in any file of the package, if one that mentions `Context`. */
export function packageFunction(file: GoFile, name: string): FunctionSummary | null {
  file.dependsOn(name);
  const own = file.ownFact(FUNCTION_SUMMARIES).functions.get(name);
  if (own) return own;
  if (!file.siblingMentions(declaring(name, false))) return null;
  for (const facts of packageSummaries(file)) {
    const fn = facts.functions.get(name);
    if (fn) return fn;
  }
  return null;
}

/** The function `name` of another file of the package (one this file does not declare), if one that mentions `Context`. */
function siblingFunction(file: GoFile, name: string): FunctionSummary | null {
  file.dependsOn(name);
  if (!file.siblingMentions(declaring(name, false))) return null;
  for (const facts of file.siblingFacts(FUNCTION_SUMMARIES)) {
    const fn = facts.packageName === file.packageName ? facts.functions.get(name) : undefined;
    if (fn) return fn;
  }
  return null;
}

/**
 * True when every function and method of the package named `name` (there
 * is one at least) declares its context parameter as `_` or leaves it
 * unnamed: the context it is given does not matter.
 */
export function ignoresContextParameter(file: GoFile, name: string): boolean {
  const fn = packageFunction(file, name);
  const contexts = [...(fn ? [fn] : []), ...packageMethodsNamed(file, name)].flatMap((s) => s.parameters.filter((p) => isNamedType(p.type, 'context', 'Context')));
  return contexts.length > 0 && contexts.every((p) => p.name === '_');
}

/**
 * `context.With*(parent, ...)`, or a call of a function of the package that
 * returns a context derived from one of its parameters
 * (`func tagged(ctx context.Context, id string) context.Context { return
 * context.WithValue(ctx, idKey{}, id) }`): its parts, the parent being the
 * argument in that parameter's place.
 */
export function derivingCallOrSummary(file: GoFile, call: Node): DerivingCall | null {
  const direct = derivingCall(file, call);
  if (direct || call.type !== 'call_expression') return direct;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'identifier') return null;
  // Names first (resolving costs more): a function of this file whose body derives a context, or a name another file
  // declares as a function, when one of them derives a context at all.
  const own = ownDerivingFunctions(file).get(callee.text);
  if (!own && !(file.siblingMentions(DERIVES) && file.siblingMentions(declaring(callee.text, false)))) return null;
  // A local function value is not known; a function of this file or of another file of the package is.
  const declaration = file.resolution.resolve(callee);
  if (declaration && (declaration.kind !== 'package' || declaration.node.parent?.id !== own?.id)) return null;
  const index = own && declaration ? ownDerivedIndex(file, own) : siblingFunction(file, callee.text)?.derivesContextFrom;
  if (index === undefined) return null;
  const args = call.childForFieldName('arguments');
  const list = args ? namedChildren(args) : [];
  if (index >= list.length || args?.children.some((c) => c?.type === '...')) return null;
  return { name: callee.text, parent: unparen(list[index]), rest: list.filter((_, i) => i !== index) };
}
