// The entry point the front ends share: a parser, the package index, and
// linting of a file given its text (or its already parsed tree).
import { dirname } from 'node:path';
import { GoFile } from '../engine/file';
import { GoModIndex, type GoVersion } from '../engine/gomod';
import { PackageIndex, type SourceReader } from '../engine/package';
import { GoParser, loadGo, type Tree } from '../engine/parser';
import type { ActiveRule } from './config';
import { lintFile, type LintResult } from './linter';

export interface AnalyzerOptions {
  /** Where tree-sitter.wasm and tree-sitter-go.wasm are (default: beside the bundle). */
  wasmDirectory?: string;
  /** How sibling files are read (default: from disk). */
  reader?: SourceReader;
  /** The Go version of every file (default: the `go` directive of the nearest go.mod, read from disk). */
  goVersion?: GoVersion;
}

export class Analyzer {
  readonly packages: PackageIndex;
  /** go.mod lookups; call `goModules.forget()` when a go.mod changes. */
  readonly goModules = new GoModIndex();

  private constructor(readonly parser: GoParser, reader?: SourceReader, private readonly goVersion?: GoVersion) {
    this.packages = new PackageIndex(parser, reader);
  }

  static async create(options: AnalyzerOptions = {}): Promise<Analyzer> {
    return new Analyzer(new GoParser(await loadGo(options.wasmDirectory)), options.reader, options.goVersion);
  }

  /** Parses and lints `text`; the tree is freed before returning. */
  lintText(path: string, text: string, rules: readonly ActiveRule[]): LintResult {
    const tree = this.parser.parse(text);
    try {
      return this.lintTree(path, text, tree, rules);
    } finally {
      tree.delete();
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
    return this.goVersion ?? this.goModules.versionFor(dirname(path));
  }

  /** Lints an already parsed tree; the caller keeps ownership of it. */
  lintTree(path: string, text: string, tree: Tree, rules: readonly ActiveRule[]): LintResult {
    return lintFile(new GoFile(path, text, tree, this.packages, () => this.goVersionFor(path)), rules);
  }
}
