// Loads web-tree-sitter and the Go grammar once per thread. The wasm files
// are copied next to the bundles by scripts/build.mjs, so they are found
// beside the running script whatever the platform.
import { Edit, Language, Parser, Tree, type Point, type Range } from 'web-tree-sitter';
import { join } from 'node:path';
import { installParentCache } from './ancestry';
import { topLevelDeclarations, type DeclarationKeyword } from './declarations';

installParentCache();

let language: Promise<Language> | undefined;

export function loadGo(wasmDirectory: string = __dirname): Promise<Language> {
  language ??= Parser.init({ locateFile: (name: string) => join(wasmDirectory, name) }).then(() =>
    Language.load(join(wasmDirectory, 'tree-sitter-go.wasm')),
  );
  return language;
}

/** A Go parser; create it after `loadGo` has resolved. */
export class GoParser {
  private readonly parser = new Parser();

  constructor(go: Language) {
    this.parser.setLanguage(go);
  }

  /**
   * Parses the package clause of `text` and only the top-level declarations
   * `keep` accepts, given the keyword and the text of each (with the
   * comments after it); undefined
   * when the declarations cannot be told apart before parsing or the parse
   * has a syntax error, and the caller should parse the whole text.
   */
  parseDeclarations(text: string, keep: (keyword: DeclarationKeyword, text: string) => boolean): Tree | undefined {
    const declarations = topLevelDeclarations(text);
    if (!declarations) return undefined;
    const spans: [number, number][] = [];
    declarations.forEach((declaration, k) => {
      const start = k === 0 ? 0 : declaration.start;
      const end = k + 1 < declarations.length ? declarations[k + 1].start : text.length;
      if (k > 0 && !keep(declaration.keyword, text.slice(start, end))) return;
      const last = spans[spans.length - 1];
      if (last?.[1] === start) last[1] = end;
      else spans.push([start, end]);
    });
    const points = pointsOf(text, spans.flat());
    const includedRanges: Range[] = spans.map(([startIndex, endIndex], k) => ({ startIndex, endIndex, startPosition: points[2 * k], endPosition: points[2 * k + 1] }));
    const tree = this.parser.parse(text, null, { includedRanges });
    if (!tree) throw new Error('tree-sitter returned no tree');
    if (!tree.rootNode.hasError) return tree;
    tree.delete();
    return undefined;
  }

  private slicedParses: Promise<unknown> = Promise.resolve();

  /** Parses `text`, reusing `previous` (already `edit`ed) when given. */
  parse(text: string, previous?: Tree): Tree {
    const tree = this.parser.parse(text, previous ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  /**
   * Parses `text` a slice of at most `sliceMs` at a time, letting the event
   * loop run between slices: tree-sitter resumes a parse that its progress
   * callback halted. Sliced parses run one after another; a parser that
   * does sliced parses must not be used for `parse` (it would resume the
   * halted parse on the wrong text). `previous` must stay alive until the
   * promise settles.
   *
   * On code with syntax errors, a resumed parse can recover differently
   * from a parse in one go (the error recovery depends on where it was
   * halted): such a tree is parsed again in one go, without `previous`, as
   * the CLI parses it, so the editor and CI report the same findings.
   */
  parseInSlices(text: string, previous: Tree | undefined, sliceMs: number): Promise<Tree> {
    const run = this.slicedParses.then(async () => {
      for (let halted = false; ; halted = true) {
        const deadline = performance.now() + sliceMs;
        const tree = this.parser.parse(text, previous ?? null, { progressCallback: () => performance.now() > deadline });
        if (!tree) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        if (!halted || !tree.rootNode.hasError) return tree;
        tree.delete();
        return this.parse(text);
      }
    });
    this.slicedParses = run.catch(() => undefined);
    return run;
  }

  /** Settles when the sliced parses started so far have ended. */
  idle(): Promise<unknown> {
    return this.slicedParses;
  }

  /** Frees the parser's wasm memory; it cannot be used afterwards. */
  delete(): void {
    this.parser.delete();
  }
}

/** Tree-sitter points (row, UTF-16 column) of ascending offsets of `text`. */
function pointsOf(text: string, offsets: readonly number[]): Point[] {
  let row = 0;
  let lineStart = 0;
  let scanned = 0;
  return offsets.map((offset) => {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      row++;
      lineStart = i + 1;
    }
    scanned = offset;
    return { row, column: offset - lineStart };
  });
}

export type { Edit, Tree };
