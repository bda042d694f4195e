// Loads web-tree-sitter and the Go grammar once per thread. The wasm files
// are copied next to the bundles by scripts/build.mjs, so they are found
// beside the running script whatever the platform.
import { Edit, Language, Parser, Tree } from 'web-tree-sitter';
import { join } from 'node:path';

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

  /** Parses `text`, reusing `previous` (already `edit`ed) when given. */
  parse(text: string, previous?: Tree): Tree {
    const tree = this.parser.parse(text, previous ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}

export type { Edit, Tree };
