// The entry point the front ends share: a parser, the package index, and
// linting of a file given its text (or its already parsed tree).
import { dirname } from 'node:path';
import { GoFile } from '../engine/file';
import { GoModIndex, type GoVersion } from '../engine/gomod';
import { PackageIndex, type SourceReader } from '../engine/package';
import { GoParser, loadGo, type Tree } from '../engine/parser';
import type { ActiveRule } from './config';
import { lintFile, lintFileInSlices, type LintOptions, type LintResult } from './linter';

export interface AnalyzerOptions {
  /** Where tree-sitter.wasm and tree-sitter-go.wasm are (default: beside the bundle). */
  wasmDirectory?: string;
  /** How sibling files are read (default: from disk). */
  reader?: SourceReader;
  /** The Go version of every file (default: the `go` directive of the nearest go.mod, read from disk). */
  goVersion?: GoVersion;
  /**
   * Keep the trees of the directory being linted, so that a file is parsed
   * once for itself and its siblings' facts (for scans, which lint a
   * directory's files one after the other; not for an editor).
   */
  keepTrees?: boolean;
}

export class Analyzer {
  readonly packages: PackageIndex;
  /** go.mod lookups; call `goModules.forget()` when a go.mod changes. */
  readonly goModules = new GoModIndex();
  /** The Go version of a file when something other than go.mod sets it (the editor's settings, a project configuration). */
  goVersionOverride: (path: string) => GoVersion | undefined = () => undefined;

  private constructor(readonly parser: GoParser, reader?: SourceReader, private readonly goVersion?: GoVersion, keepTrees = false) {
    this.packages = new PackageIndex(parser, reader, keepTrees);
  }

  static async create(options: AnalyzerOptions = {}): Promise<Analyzer> {
    return new Analyzer(new GoParser(await loadGo(options.wasmDirectory)), options.reader, options.goVersion, options.keepTrees);
  }

  /** Parses and lints `text`; the tree is freed before returning (or kept by the package index, with `keepTrees`). */
  lintText(path: string, text: string, rules: readonly ActiveRule[], options: LintOptions = {}): LintResult {
    const kept = this.packages.keptTree(path, text);
    if (kept) return this.lintTree(path, text, kept, rules, options);
    const tree = this.parser.parse(text);
    let keeping = false;
    try {
      const result = this.lintTree(path, text, tree, rules, options);
      keeping = this.packages.keepTree(path, text, tree);
      return result;
    } finally {
      if (!keeping) tree.delete();
    }
  }

  /** True when `text` parses without syntax errors. */
  parsesCleanly(text: string): boolean {
    const tree = this.parser.parse(text);
    try {
      return !tree.rootNode.hasError;
    } finally {
      tree.delete();
    }
  }

  /** The Go version a file is compiled with: the override, else the nearest go.mod's; undefined when unknown. */
  goVersionFor(path: string): GoVersion | undefined {
    return this.goVersion ?? this.goVersionOverride(path) ?? this.goModules.versionFor(dirname(path));
  }

  /** Lints an already parsed tree; the caller keeps ownership of it. */
  lintTree(path: string, text: string, tree: Tree, rules: readonly ActiveRule[], options: LintOptions = {}): LintResult {
    return lintFile(this.goFile(path, text, tree), rules, options);
  }

  /** Lints an already parsed tree in slices (see lintFileInSlices); the tree must stay unchanged until the promise settles. */
  lintTreeInSlices(path: string, text: string, tree: Tree, rules: readonly ActiveRule[], options: LintOptions & { sliceMs: number; stale: () => boolean }): Promise<LintResult | undefined> {
    return lintFileInSlices(this.goFile(path, text, tree), rules, options);
  }

  private goFile(path: string, text: string, tree: Tree): GoFile {
    return new GoFile(path, text, tree, this.packages, () => this.goVersionFor(path), () => this.goModules.outermostModuleRootFor(dirname(path)));
  }
}
