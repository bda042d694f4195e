// Open documents: their text (LSP's incremental sync applied change by
// change) and their parse tree, kept incremental with tree.edit + reparse.
// Parses run in slices, so a file that takes long to parse never holds up
// other requests. Trees live in wasm memory and are freed explicitly when a
// document closes.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { GoParser, type Tree } from '../engine/parser';
import { forgetParents } from '../engine/ancestry';
import type { Language } from 'web-tree-sitter';

export class OpenDocument {
  /** The tree of the text as of the last `parse()`, edited since then. */
  private tree: Tree | undefined;
  /** The version `tree` was parsed for; it is current when that is the document's version. */
  private treeVersion: number | undefined;
  private closed = false;
  /** Its own parser: a halted parse resumes on the same text, and other documents' parses go on meanwhile. */
  private parser: GoParser | undefined;

  constructor(
    public document: TextDocument,
    private readonly language: Language,
  ) {}

  get version(): number {
    return this.document.version;
  }

  get text(): string {
    return this.document.getText();
  }

  /**
   * Applies the changes to the text and to the tree alike. A range is
   * normalized once (clamped to the text, its ends swapped when the end comes
   * before the start), and that one range edits both: otherwise the text and
   * the tree fall out of step and every later diagnostic is wrong.
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const raw of changes) {
      let change = raw;
      if ('range' in raw && raw.range) {
        let start = this.document.offsetAt(raw.range.start);
        let end = this.document.offsetAt(raw.range.end);
        if (end < start) [start, end] = [end, start];
        const range = { start: this.document.positionAt(start), end: this.document.positionAt(end) };
        change = { range, text: raw.text };
        if (this.tree) forgetParents(this.tree);
        this.tree?.edit({
          startIndex: start,
          oldEndIndex: end,
          newEndIndex: start + raw.text.length,
          startPosition: { row: range.start.line, column: range.start.character },
          oldEndPosition: { row: range.end.line, column: range.end.character },
          newEndPosition: endOfInsertion(range.start, raw.text),
        });
      } else {
        this.freeTree();
      }
      this.document = TextDocument.update(this.document, [change], version);
    }
  }

  /**
   * The tree of the current text, reparsed incrementally (and in slices)
   * when it changed; undefined when the document changed or closed during
   * the parse (the newer version gets its own parse).
   */
  async parse(sliceMs: number): Promise<Tree | undefined> {
    if (this.tree && this.treeVersion === this.version) return this.tree;
    const version = this.version;
    // Changes that arrive during the parse edit `tree`; the parse uses a copy.
    const previous = this.tree?.copy();
    let next: Tree;
    try {
      this.parser ??= new GoParser(this.language);
      next = await this.parser.parseInSlices(this.text, previous, sliceMs);
    } finally {
      previous?.delete();
    }
    if (this.closed || this.version !== version) {
      next.delete();
      return undefined;
    }
    this.tree?.delete();
    this.tree = next;
    this.treeVersion = version;
    return next;
  }

  freeTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.treeVersion = undefined;
  }

  close(): void {
    this.closed = true;
    this.freeTree();
    // A parse in progress finishes first (its result is dropped).
    const parser = this.parser;
    this.parser = undefined;
    if (parser) void parser.idle().then(() => parser.delete());
  }
}

function endOfInsertion(start: { line: number; character: number }, text: string): { row: number; column: number } {
  const lines = text.split('\n');
  if (lines.length === 1) return { row: start.line, column: start.character + text.length };
  return { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
}
