// The other files of a Go package (the .go files of the same directory), as
// far as rules need them: which struct fields are ever read. Facts are cached
// per file and recomputed only when its text changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import type { GoParser } from './parser';
import { walk } from './syntax';

export interface SourceReader {
  /** The current text of a file: an open editor buffer when there is one, else the disk. */
  read(path: string): string | undefined;
}

/** Reads files from disk, reading a file again only when its size or modification time changed. */
export function diskReader(): SourceReader {
  const cache = new Map<string, { stamp: string; text: string }>();
  return {
    read(path) {
      try {
        const stat = statSync(path);
        const stamp = `${stat.size}:${stat.mtimeMs}`;
        const cached = cache.get(path);
        if (cached?.stamp === stamp) return cached.text;
        const text = readFileSync(path, 'utf8');
        cache.set(path, { stamp, text });
        return text;
      } catch {
        cache.delete(path);
        return undefined;
      }
    },
  };
}

interface FileFacts {
  text: string;
  fieldsRead: ReadonlySet<string>;
}

/** Field names read anywhere in a tree: every `x.f` except as the target of an assignment. */
export function fieldsRead(root: Node): Set<string> {
  const names = new Set<string>();
  walk(root, (n) => {
    if (n.type !== 'selector_expression') return true;
    const field = n.childForFieldName('field');
    if (field && !isAssignmentTarget(n)) names.add(field.text);
    return true;
  });
  return names;
}

function isAssignmentTarget(node: Node): boolean {
  const list = node.parent;
  return list?.type === 'expression_list' && list.parent?.type === 'assignment_statement' && list.parent.childForFieldName('left')?.id === list.id;
}

export class PackageIndex {
  private readonly facts = new Map<string, FileFacts>();

  constructor(
    private readonly parser: GoParser,
    private readonly reader: SourceReader = diskReader(),
  ) {}

  /** The .go files of each directory seen, until `forget` is told of a change there. */
  private readonly listings = new Map<string, string[]>();

  /** The other .go files of `path`'s directory. */
  siblings(path: string): string[] {
    const dir = dirname(path);
    let files = this.listings.get(dir);
    if (!files) {
      try {
        files = readdirSync(dir)
          .filter((n) => n.endsWith('.go') && isFile(join(dir, n)))
          .map((n) => join(dir, n));
      } catch {
        files = [];
      }
      this.listings.set(dir, files);
    }
    const self = join(dir, basename(path));
    return files.filter((f) => f !== self);
  }

  /** True when some other file of the package reads a field named `name`. */
  siblingReadsField(path: string, name: string): boolean {
    return this.siblings(path).some((sibling) => this.factsOf(sibling)?.fieldsRead.has(name));
  }

  /** Drops cached facts of a file (created, deleted, or changed on disk). */
  forget(path: string): void {
    this.listings.delete(dirname(path));
    this.facts.delete(path);
    this.derived.delete(path);
  }

  private readonly derived = new Map<string, { text: string; values: Map<string, unknown> }>();

  /** `kind`'s fact of every other file of `path`'s package, computed once per file text. */
  siblingFacts<T>(path: string, kind: FileFactKind<T>): T[] {
    const out: T[] = [];
    for (const sibling of this.siblings(path)) {
      const text = this.reader.read(sibling);
      if (text === undefined) continue;
      let entry = this.derived.get(sibling);
      if (entry?.text !== text) this.derived.set(sibling, (entry = { text, values: new Map() }));
      if (!entry.values.has(kind.key)) {
        const tree = this.parser.parse(text);
        try {
          entry.values.set(kind.key, kind.compute(tree.rootNode));
        } finally {
          tree.delete();
        }
      }
      out.push(entry.values.get(kind.key) as T);
    }
    return out;
  }

  private factsOf(path: string): FileFacts | undefined {
    const text = this.reader.read(path);
    if (text === undefined) return undefined;
    const cached = this.facts.get(path);
    if (cached?.text === text) return cached;
    let tree: Tree | undefined;
    try {
      tree = this.parser.parse(text);
      const facts = { text, fieldsRead: fieldsRead(tree.rootNode) };
      this.facts.set(path, facts);
      return facts;
    } finally {
      tree?.delete();
    }
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A fact computed from one file's syntax tree alone; `key` names it in the per-file caches. */
export interface FileFactKind<T> {
  readonly key: string;
  compute(root: Node): T;
}
