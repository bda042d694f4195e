// One parsed Go file and the facts derived from it, each computed on first
// use and kept for the life of this version of the file.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { buildCfg, type ControlFlowGraph } from './cfg';
import type { GoVersion } from './gomod';
import { readImports, type Imports } from './imports';
import { exitCandidates, EXITING_FUNCTIONS, NoReturn } from './noreturn';
import { fieldsRead, type FileFactKind, type PackageIndex } from './package';
import { Resolution } from './scope';
import { functionBody, IDENTIFIER_WORDS, topLevel } from './syntax';

/**
 * What a file's code is for, which decides how much some findings matter:
 * - `test`: a _test.go file;
 * - `test-support`: test helpers, fakes and test programs (a directory or
 *   package named testutil, testing, fakes, mocks, e2e, integration...);
 * - `example`: examples and documentation (examples/, _examples/, documentation/);
 * - `program`: a main package, or code under cmd/ or command/ (commands and
 *   one-shot tools, whose process ends when the command does);
 * - `library`: everything else, the code a long-running process is built from.
 */
export type CodeKind = 'test' | 'test-support' | 'example' | 'program' | 'library';

const TEST_SUPPORT_DIRECTORY = /^(tests?|testutils?|testing|testhelpers?|testenv|testserver|testlib|tstest|e2e|e2e_test|integration|integration_?tests?|fakes?|mocks?)$/;
const TEST_SUPPORT_PACKAGE = /^(testing|testutils?|fakes?|mocks?|[a-z0-9]*test)$/;
const NOT_TEST_PACKAGE = /^(latest|greatest|contest|attest|protest|fastest|shortest)$/;
const TEST_SUPPORT_FILE = /^(testing|testutils?|testhelpers?|(fake|mock)_\w+)\.go$/;
const PROGRAM_DIRECTORY = /^(cmd|command|commands)$/;
const EXAMPLE_DIRECTORY = /^(examples?|_examples?|documentation)$/;

export function codeKindOf(path: string, packageName: string, moduleRoot?: string): CodeKind {
  if (path.endsWith('_test.go')) return 'test';
  // The directories inside the repository's outermost module decide (without a go.mod, the four nearest the file):
  // a checkout under ~/src/integration/ is not test code, a nested module under tests/apps/ is.
  const fromRoot = moduleRoot !== undefined ? relative(resolve(moduleRoot), resolve(path)) : undefined;
  const inModule = fromRoot !== undefined && !fromRoot.startsWith('..') && !isAbsolute(fromRoot) ? fromRoot : undefined;
  const directories = (inModule ?? path).split(/[\\/]/).filter(Boolean).slice(0, -1);
  const near = inModule !== undefined ? directories : directories.slice(-4);
  const name = path.split(/[\\/]/).pop() ?? '';
  if (near.some((d) => TEST_SUPPORT_DIRECTORY.test(d)) || TEST_SUPPORT_FILE.test(name) || (TEST_SUPPORT_PACKAGE.test(packageName) && !NOT_TEST_PACKAGE.test(packageName))) return 'test-support';
  if (near.some((d) => EXAMPLE_DIRECTORY.test(d))) return 'example';
  // cmd/<name>/... holds one directory per command; a package that is cmd/ itself (minio's server) is not one.
  if (packageName === 'main' || near.slice(0, -1).some((d) => PROGRAM_DIRECTORY.test(d)) || /^commands?$/.test(near[near.length - 1] ?? '')) return 'program';
  return 'library';
}

export class GoFile {
  private cachedImports?: Imports;
  private cachedResolution?: Resolution;
  private cachedNoReturn?: NoReturn;
  private cachedFieldsRead?: Set<string>;
  private readonly cfgs = new Map<number, ControlFlowGraph>();

  /** Milliseconds spent on sibling files' facts so far (see PackageIndex.siblingMs). */
  get siblingMs(): number {
    return this.packageIndex?.siblingMs ?? 0;
  }

  constructor(
    /** Absolute path (or the document's path for unsaved buffers). */
    readonly path: string,
    readonly text: string,
    readonly tree: Tree,
    private readonly packageIndex?: PackageIndex,
    /** The Go version the file is compiled with, or how to find it (read on first use). */
    private readonly goVersionSource?: GoVersion | (() => GoVersion | undefined),
    /** The root of the outermost module the file is in, when there is a go.mod (read on first use). */
    private readonly moduleRootSource?: () => string | undefined,
  ) {}

  private goVersionRead = false;
  private cachedGoVersion?: GoVersion;

  /** The language version of the file's module (go.mod's `go` directive); undefined when unknown (treat as the newest Go). */
  get goVersion(): GoVersion | undefined {
    if (!this.goVersionRead) {
      this.goVersionRead = true;
      this.cachedGoVersion = typeof this.goVersionSource === 'function' ? this.goVersionSource() : this.goVersionSource;
    }
    return this.cachedGoVersion;
  }

  get root(): Node {
    return this.tree.rootNode;
  }

  get imports(): Imports {
    return (this.cachedImports ??= readImports(this.root));
  }

  get resolution(): Resolution {
    return (this.cachedResolution ??= new Resolution(this.root, this.imports));
  }

  private cachedPackageName?: string;

  get packageName(): string {
    return (this.cachedPackageName ??= topLevel(this.root).find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? '');
  }

  get isTestFile(): boolean {
    return this.path.endsWith('_test.go');
  }

  private cachedCodeKind?: CodeKind;

  /** What the file's code is for, from its name, directories and package clause (see CodeKind). */
  get codeKind(): CodeKind {
    return (this.cachedCodeKind ??= codeKindOf(this.path, this.packageName, this.moduleRootSource?.()));
  }

  /** The names of the file's functions that never return (every path ends in panic, os.Exit, an endless loop...). */
  get neverReturningFunctions(): ReadonlySet<string> {
    this.cachedNoReturn ??= new NoReturn(this.root, this.resolution, this.exitsElsewhere);
    return this.cachedNoReturn.functions;
  }

  /** True when the call can never return (panic, os.Exit, log.Fatal, a same-file function that always does...). */
  neverReturns(call: Node): boolean {
    this.cachedNoReturn ??= new NoReturn(this.root, this.resolution, this.exitsElsewhere);
    return this.cachedNoReturn.neverReturns(call);
  }

  private exitCandidatesElsewhere?: ReadonlySet<string>;
  private exitingElsewhere?: ReadonlySet<string>;

  /** True when `name` is a function of another file of the package that never returns (EXITING_FUNCTIONS). */
  private readonly exitsElsewhere = (name: string): boolean => {
    // The other files are parsed only when one of them may declare `name` with an exit call (found from their texts).
    this.exitCandidatesElsewhere ??= new Set(
      (this.packageIndex?.siblingTextFacts(this.path, 'noreturn.candidates', exitCandidates, this.readSibling) ?? []).filter((c) => c.packageName === this.packageName).flatMap((c) => c.names),
    );
    if (!this.exitCandidatesElsewhere.has(name)) return false;
    this.exitingElsewhere ??= new Set(this.siblingFacts(EXITING_FUNCTIONS).filter((f) => f.packageName === this.packageName).flatMap((f) => f.functions));
    return this.exitingElsewhere.has(name);
  };

  /** The control-flow graph of a function (declaration, method or literal). */
  cfg(fn: Node): ControlFlowGraph | undefined {
    const body = functionBody(fn);
    if (!body) return undefined;
    let graph = this.cfgs.get(fn.id);
    if (!graph) this.cfgs.set(fn.id, (graph = buildCfg(body, (c) => this.neverReturns(c))));
    return graph;
  }

  /**
   * When `expression` is `pkg.Name` with `pkg` the import of `path` (or a
   * bare `Name` from a dot import of it), returns `Name`.
   */
  packageMember(expression: Node, path: string): string | null {
    if (expression.type === 'selector_expression') {
      const operand = expression.childForFieldName('operand');
      if (operand?.type !== 'identifier' || !this.resolution.refersToImport(operand, path)) return null;
      return expression.childForFieldName('field')?.text ?? null;
    }
    if (expression.type === 'identifier' && this.imports.dotImported.has(path) && !this.resolution.resolve(expression)) {
      return expression.text;
    }
    return null;
  }

  /** True when a type expression names `path`.Name (respecting aliases and dot imports). */
  isPackageType(type: Node, path: string, name: string): boolean {
    if (type.type === 'qualified_type') {
      const pkg = type.childForFieldName('package')?.text;
      return type.childForFieldName('name')?.text === name && !!pkg && this.imports.byName.get(pkg) === path;
    }
    return type.type === 'type_identifier' && type.text === name && this.imports.dotImported.has(path);
  }

  /**
   * Where the linter collects the words that what is being linted depends on
   * beyond its own declaration's text (see linter/reuse.ts); none when unset.
   */
  dependencies?: Set<string>;

  /**
   * Records that the current finding (or its absence) depends on what other
   * declarations of the file say about `word`: a field read, a callee's call
   * sites, a method's name. An edit of a declaration holding that word lints
   * the current declaration again.
   */
  dependsOn(word: string): void {
    if (!this.dependencies) return;
    for (const w of word.match(IDENTIFIER_WORDS) ?? []) this.dependencies.add(w);
  }

  /** True when any file of the package, this one included, reads a field named `name`. */
  packageReadsField(name: string): boolean {
    this.dependsOn(name);
    if (!this.cachedFieldsRead) {
      this.cachedFieldsRead = fieldsRead(this.root);
      this.packageIndex?.rememberFieldsRead(this.path, this.text, this.cachedFieldsRead);
    }
    if (this.cachedFieldsRead.has(name)) return true;
    let read = this.siblingsReadField.get(name);
    if (read === undefined) this.siblingsReadField.set(name, (read = this.packageIndex?.siblingReadsField(this.path, name, this.readSibling) ?? false));
    return read;
  }

  private readonly facts = new Map<string, unknown>();
  private readonly siblingsReadField = new Map<string, boolean>();

  /** `kind`'s fact of this file alone (what the package's other files say is not read). */
  ownFact<T>(kind: FileFactKind<T>): T {
    if (!this.facts.has(kind.key)) {
      const compute = () => kind.compute(this.root, this.path, this.text, this);
      const value = this.packageIndex ? this.packageIndex.ownFact(this.path, this.text, this.root, kind, compute) : compute();
      this.facts.set(kind.key, value);
      this.packageIndex?.rememberFact(this.path, this.text, kind, value);
    }
    return this.facts.get(kind.key) as T;
  }

  /** `kind`'s fact of this file (first) and of every other file of the package. */
  packageFacts<T>(kind: FileFactKind<T>): T[] {
    return [this.ownFact(kind), ...this.siblingFacts(kind)];
  }

  /** `kind`'s fact of every other file of the package (this file's is not computed). */
  siblingFacts<T>(kind: FileFactKind<T>): T[] {
    // One list per kind and version of this file.
    let all = this.siblingFactLists.get(kind.key) as T[] | undefined;
    if (!all) this.siblingFactLists.set(kind.key, (all = this.packageIndex?.siblingFacts(this.path, kind, this.readSibling) ?? []));
    return all;
  }

  private readonly siblingFactLists = new Map<string, unknown[]>();

  /** The siblings' texts as this version of the file first read them: each is read (and its disk entry checked) once per lint, not once per kind of fact. */
  private readonly siblingTexts = new Map<string, string | undefined>();

  /** Gives the siblings' texts read already (by the caller, for the same lint). */
  knowSiblingTexts(texts: readonly (readonly [string, string | undefined])[]): void {
    for (const [path, text] of texts) if (!this.siblingTexts.has(path)) this.siblingTexts.set(path, text);
  }

  /** True when another file of the package holds `name` as an identifier, or a match of a pattern (PackageIndex.siblingMentions). */
  siblingMentions(name: string | RegExp): boolean {
    return this.packageIndex?.siblingMentions(this.path, name, this.readSibling) ?? false;
  }

  private readonly readSibling = (path: string): string | undefined => {
    if (!this.siblingTexts.has(path)) this.siblingTexts.set(path, this.packageIndex?.read(path));
    return this.siblingTexts.get(path);
  };
}
