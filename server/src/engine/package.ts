// The other files of a Go package (the .go files of the same directory), as
// far as rules need them: which struct fields are ever read. Facts are cached
// per file and recomputed only when its text changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { GoFile } from './file';
import type { Node, Tree } from 'web-tree-sitter';
import type { DeclarationKeyword } from './declarations';
import type { GoParser } from './parser';
import { mentionsIdentifier, namedChildren } from './syntax';

export interface SourceReader {
  /** The current text of a file: an open editor buffer when there is one, else the disk. */
  read(path: string): string | undefined;
  /** Told that a file changed (a scan's fix wrote it). */
  forget?(path: string): void;
}

/**
 * Reads each file from disk once while its directory is among the last few
 * read (a scan lints a package's files together, and each reads the others):
 * for scans, during which files change only by the scan's own fixes, which
 * are forgotten.
 */
export function scanReader(directories = 4): SourceReader {
  const byDirectory = new Map<string, Map<string, string | undefined>>();
  return {
    read(path) {
      const dir = dirname(path);
      let texts = byDirectory.get(dir);
      if (texts) byDirectory.delete(dir);
      byDirectory.set(dir, (texts ??= new Map()));
      if (byDirectory.size > directories) byDirectory.delete(byDirectory.keys().next().value!);
      if (!texts.has(path)) {
        try {
          texts.set(path, readFileSync(path, 'utf8'));
        } catch {
          texts.set(path, undefined);
        }
      }
      return texts.get(path);
    },
    forget(path) {
      byDirectory.get(dirname(path))?.delete(path);
    },
  };
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
  for (const n of root.descendantsOfType('selector_expression')) {
    const field = n?.childForFieldName('field');
    if (field && !isAssignmentTarget(n!)) names.add(field.text);
  }
  return names;
}

function isAssignmentTarget(node: Node): boolean {
  const list = node.parent;
  return list?.type === 'expression_list' && list.parent?.type === 'assignment_statement' && list.parent.childForFieldName('left')?.id === list.id;
}

export class PackageIndex {
  private readonly facts = new Map<string, FileFacts>();
  /**
   * Siblings larger than this many bytes are not read for facts, as the
   * files themselves are not linted (a 5 MB generated sibling would cost
   * seconds and gigabytes to lint a small file). The front ends set it from
   * their size setting.
   */
  maxFileSize = 2 * 1024 * 1024;

  constructor(
    private readonly parser: GoParser,
    private readonly reader: SourceReader = diskReader(),
    /**
     * Keep the trees of the files of the directory last asked about (a scan
     * lints a directory's files one after the other): each file is then
     * parsed once for itself and for its siblings' facts, and facts computed
     * on a file's own tree serve its siblings.
     */
    private readonly keepTrees = false,
  ) {}

  /** Kept trees by path, least recently used directory first. */
  private readonly trees = new Map<string, { text: string; tree: Tree; dir: string }>();
  /** Directories with kept trees, least recently used first. */
  private readonly treeDirectories = new Map<string, number>();
  private keptChars = 0;

  /** The kept tree of the file at `path` when its text is `text`; it stays owned by the index. */
  keptTree(path: string, text: string): Tree | undefined {
    const entry = this.trees.get(path);
    return entry?.text === text ? entry.tree : undefined;
  }

  /**
   * Offers the index a fresh parse of `text`, the file at `path`: true when
   * kept (the index then owns it). The trees of the directories used least
   * recently make room; a tree that does not fit is not kept.
   */
  keepTree(path: string, text: string, tree: Tree): boolean {
    if (!this.keepTrees) return false;
    const dir = dirname(path);
    this.treeDirectories.delete(dir);
    this.treeDirectories.set(dir, 0);
    const old = this.trees.get(path);
    if (old) {
      if (old.tree === tree) return true;
      this.free(path);
    }
    for (const other of this.treeDirectories.keys()) {
      if (this.keptChars + text.length <= MAX_KEPT_CHARS || other === dir) break;
      for (const [p, entry] of this.trees) if (entry.dir === other) this.free(p);
      this.treeDirectories.delete(other);
    }
    if (this.keptChars + text.length > MAX_KEPT_CHARS) return false;
    this.trees.set(path, { text, tree, dir });
    this.keptChars += text.length;
    return true;
  }

  private free(path: string): void {
    const entry = this.trees.get(path)!;
    entry.tree.delete();
    this.keptChars -= entry.text.length;
    this.trees.delete(path);
  }

  /** Frees the kept trees. */
  dropTrees(): void {
    for (const { tree } of this.trees.values()) tree.delete();
    this.trees.clear();
    this.treeDirectories.clear();
    this.keptChars = 0;
  }

  /** A fact of a file's own (fresh) tree, remembered for when the file is a sibling; only while trees are kept. */
  rememberFact<T>(path: string, text: string, kind: FileFactKind<T>, value: T): void {
    if (!this.keepTrees) return;
    let entry = this.derived.get(path);
    if (entry?.text !== text) this.derived.set(path, (entry = { text, values: new Map() }));
    if (!entry.values.has(kind.key)) entry.values.set(kind.key, value);
  }

  /** The fields a file's own (fresh) tree reads, remembered for when the file is a sibling; only while trees are kept. */
  rememberFieldsRead(path: string, text: string, names: ReadonlySet<string>): void {
    if (this.keepTrees && this.facts.get(path)?.text !== text) this.facts.set(path, { text, fieldsRead: names });
  }

  /**
   * `use(root, fresh)` on a tree of `text`, the file at `path`: the kept one,
   * or a fresh parse (kept when possible; `fresh` when it is not kept).
   */
  private withTree<T>(path: string, text: string, use: (root: Node, fresh: boolean) => T): T {
    const kept = this.keptTree(path, text);
    if (kept) return use(kept.rootNode, false);
    const tree = this.parser.parse(text);
    const keeping = this.keepTree(path, text, tree);
    try {
      return use(tree.rootNode, !keeping);
    } finally {
      if (!keeping) tree.delete();
    }
  }

  /** The .go files of each directory seen, until `forget` is told of a change there. */
  private readonly listings = new Map<string, string[]>();

  /**
   * The other .go files of `path`'s directory that are built with it: for a
   * file that is not a test, not the _test.go files (a test's callers,
   * receivers and readers are not there when the package runs).
   */
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
    const test = path.endsWith('_test.go');
    return files.filter((f) => f !== self && (test || !f.endsWith('_test.go')));
  }

  /**
   * Milliseconds spent reading, parsing and deriving the facts of sibling
   * files, in all: a file's lint budget leaves them out, since the first
   * file of a large package pays for its whole package.
   */
  siblingMs = 0;

  private timed<T>(work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.siblingMs += performance.now() - started;
    }
  }

  /** The last value of each `outsideFunctions` kind of fact of each edited file, with the text it was computed from. */
  private readonly ownFacts = new Map<string, { key: string; value: unknown }>();

  /**
   * `kind`'s fact of the file at `path` (being linted, with `text` and root
   * `root`): the one already derived from that text, if any; else for an
   * `outsideFunctions` kind while trees are not kept (an editor, not
   * a scan), the value of the file's previous version when its declarations
   * outside functions are the same text.
   */
  ownFact<T>(path: string, text: string, root: Node, kind: FileFactKind<T>, compute: () => T): T {
    // Computed already from this very text: as a sibling's fact, or by a rule's test before the file was parsed (from
    // the declarations the fact reads, which equals the whole parse's fact unless the file has a syntax error).
    const known = this.derived.get(path);
    if (known?.text === text && known.values.has(kind.key) && !root.hasError) return known.values.get(kind.key) as T;
    if (!kind.outsideFunctions || this.keepTrees) return compute();
    const key = namedChildren(root)
      .filter((n) => n.type !== 'function_declaration' && n.type !== 'method_declaration' && n.type !== 'comment')
      .map((n) => n.text)
      .join('\u0000');
    const id = `${kind.key}\u0000${path}`;
    const cached = this.ownFacts.get(id);
    if (cached?.key === key) return cached.value as T;
    const value = compute();
    this.ownFacts.delete(id);
    this.ownFacts.set(id, { key, value });
    // The files edited most recently.
    if (this.ownFacts.size > 64) this.ownFacts.delete(this.ownFacts.keys().next().value!);
    return value;
  }

  /** The other .go files of `path`'s package with their current texts (undefined: unreadable), in a fixed order. */
  siblingTexts(path: string): [string, string | undefined][] {
    return this.siblings(path).map((sibling) => [sibling, this.reader.read(sibling)]);
  }

  /** The current text of a file (through the reader: an open buffer or the disk). */
  read(path: string): string | undefined {
    return this.reader.read(path);
  }

  /**
   * True when some other file of the package reads a field named `name`;
   * `read` gives the siblings' texts (a linted file reads each once).
   */
  siblingReadsField(path: string, name: string, read: (path: string) => string | undefined = (p) => this.reader.read(p)): boolean {
    return this.timed(() => this.siblings(path).some((sibling) => this.factsOf(sibling, read)?.fieldsRead.has(name)));
  }

  /**
   * True when another file of `path`'s package holds `word`: an identifier
   * (mentionsIdentifier), or a match of a pattern. Remembered per file text,
   * as every file of a package asks about the same siblings.
   */
  siblingMentions(path: string, word: string | RegExp, read: (path: string) => string | undefined = (p) => this.reader.read(p)): boolean {
    const key = typeof word === 'string' ? word : `/${word.source}/${word.flags}`;
    return this.siblings(path).some((sibling) => {
      const text = read(sibling);
      if (text === undefined) return false;
      let entry = this.mentioned.get(sibling);
      if (entry?.text !== text) this.mentioned.set(sibling, (entry = { text, names: new Map() }));
      let found = entry.names.get(key);
      if (found === undefined) entry.names.set(key, (found = typeof word === 'string' ? mentionsIdentifier(text, word) : word.test(text)));
      return found;
    });
  }

  private readonly mentioned = new Map<string, { text: string; names: Map<string, boolean> }>();

  /** `derive` of each other file's text, without parsing it, remembered per text under `key`. */
  siblingTextFacts<T>(path: string, key: string, derive: (text: string) => T, read: (path: string) => string | undefined = (p) => this.reader.read(p)): T[] {
    return this.siblings(path).flatMap((sibling) => {
      const text = read(sibling);
      if (text === undefined) return [];
      let entry = this.derived.get(sibling);
      if (entry?.text !== text) this.derived.set(sibling, (entry = { text, values: new Map() }));
      if (!entry.values.has(key)) entry.values.set(key, derive(text));
      return [entry.values.get(key) as T];
    });
  }

  /** Drops cached facts of a file (created, deleted, or changed on disk). */
  forget(path: string): void {
    this.reader.forget?.(path);
    this.listings.delete(dirname(path));
    this.facts.delete(path);
    this.derived.delete(path);
    this.mentioned.delete(path);
  }

  private readonly derived = new Map<string, { text: string; values: Map<string, unknown> }>();

  /** `kind`'s fact of every other file of `path`'s package, computed once per file text. */
  siblingFacts<T>(path: string, kind: FileFactKind<T>, read: (path: string) => string | undefined = (p) => this.reader.read(p)): T[] {
    return this.timed(() => this.computeSiblingFacts(path, kind, read));
  }

  private computeSiblingFacts<T>(path: string, kind: FileFactKind<T>, read: (path: string) => string | undefined): T[] {
    const out: T[] = [];
    for (const sibling of this.siblings(path)) {
      const text = read(sibling);
      if (text === undefined || this.tooLarge(text)) continue;
      out.push(this.computeFact(sibling, text, kind));
    }
    return out;
  }

  /**
   * `kind`'s fact of the file at `path` whose text is `text`, before the file
   * itself is linted (a test that decides whether to parse it at all).
   */
  factOf<T>(path: string, text: string, kind: FileFactKind<T>): T {
    return this.timed(() => this.computeFact(path, text, kind));
  }

  private computeFact<T>(path: string, text: string, kind: FileFactKind<T>): T {
    let entry = this.derived.get(path);
    if (entry?.text !== text) this.derived.set(path, (entry = { text, values: new Map() }));
    if (!entry.values.has(kind.key)) {
      this.kinds.set(kind.key, kind);
      // The declarations a fact reads are a small part of most files: only they are parsed, unless the whole tree is at hand.
      const declarations = kind.reads && !this.keptTree(path, text) ? this.parser.parseDeclarations(text, kind.reads) : undefined;
      if (declarations) {
        try {
          entry.values.set(kind.key, kind.compute(declarations.rootNode, path, text));
        } finally {
          declarations.delete();
        }
      } else {
        this.withTree(path, text, (root, fresh) => {
          entry!.values.set(kind.key, kind.compute(root, path, text));
          if (fresh) this.computeKnownFacts(path, text, root);
        });
      }
    }
    return entry.values.get(kind.key) as T;
  }

  private factsOf(path: string, read: (path: string) => string | undefined): FileFacts | undefined {
    const text = read(path);
    if (text === undefined || this.tooLarge(text)) return undefined;
    const cached = this.facts.get(path);
    if (cached?.text === text) return cached;
    this.fieldsReadAsked = true;
    const facts = {
      text,
      fieldsRead: this.withTree(path, text, (root, fresh) => {
        const names = fieldsRead(root);
        this.facts.set(path, { text, fieldsRead: names });
        if (fresh) this.computeKnownFacts(path, text, root);
        return names;
      }),
    };
    this.facts.set(path, facts);
    return facts;
  }

  private tooLarge(text: string): boolean {
    // Characters first: a text is at least as many bytes as UTF-16 units are ASCII; count bytes only near the limit.
    return text.length > this.maxFileSize || (text.length * 3 > this.maxFileSize && Buffer.byteLength(text) > this.maxFileSize);
  }

  /** Every kind of fact asked for so far (of any file), by key. */
  private readonly kinds = new Map<string, FileFactKind<unknown>>();
  private fieldsReadAsked = false;

  /**
   * When a scan had to parse a file again (its tree was not kept: a large
   * directory), every kind of fact asked for so far is computed from that
   * parse, rather than parsing the file once per kind.
   */
  private computeKnownFacts(path: string, text: string, root: Node): void {
    if (!this.keepTrees) return;
    let entry = this.derived.get(path);
    if (entry?.text !== text) this.derived.set(path, (entry = { text, values: new Map() }));
    // A kind that fails here fails again, and is reported, when it is asked for.
    for (const [key, kind] of this.kinds) {
      if (entry.values.has(key)) continue;
      try {
        entry.values.set(key, kind.compute(root, path, text));
      } catch {
        // Computed again on demand.
      }
    }
    if (this.fieldsReadAsked && this.facts.get(path)?.text !== text) {
      try {
        this.facts.set(path, { text, fieldsRead: fieldsRead(root) });
      } catch {
        // Computed again on demand.
      }
    }
  }
}

/** At most this much source text has its trees kept (a tree takes some 15 bytes of wasm memory per character). */
const MAX_KEPT_CHARS = 4_000_000;

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
  /**
   * The fact of the file at `path` with `text`, whose tree's root is `root`;
   * `file` is given when the fact is asked for the file being linted (a kind
   * that needs scopes uses it rather than resolving the file again).
   */
  compute(root: Node, path: string, text: string, file?: GoFile): T;
  /**
   * Computed from the top-level declarations other than functions and
   * methods alone (the package clause, imports, types, variables,
   * constants): an edit inside functions leaves it as it was, so the editor
   * keeps it across such edits (PackageIndex.ownFact).
   */
  readonly outsideFunctions?: boolean;
  /**
   * The top-level declarations the fact is computed from, by keyword and
   * text (the package clause is always there): one this rejects cannot
   * change the fact, so a file parsed for this fact alone is parsed only in
   * the declarations it accepts. Absent: the whole file.
   */
  readonly reads?: (keyword: DeclarationKeyword, text: string) => boolean;
}
