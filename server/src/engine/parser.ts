// Loads web-tree-sitter and the Go grammar once per thread. The wasm files
// are copied next to the bundles by scripts/build.mjs, so they are found
// beside the running script whatever the platform.
import { Edit, Language, Parser, Tree } from 'web-tree-sitter';
import { join } from 'node:path';
import { installParentCache } from './ancestry';

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

export type { Edit, Tree };
