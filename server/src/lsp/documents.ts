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
   * normalized once: clamped to the text, its ends swapped when the end
   * comes before the start, and widened to whole characters when an end
   * falls between the two halves of a surrogate pair. That one range edits
   * both: otherwise the text and the tree fall out of step and every later
   * diagnostic is wrong.
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const raw of changes) {
      let change = raw;
      if ('range' in raw && raw.range) {
        const text = this.document.getText();
        let start = this.document.offsetAt(raw.range.start);
        let end = this.document.offsetAt(raw.range.end);
        if (end < start) [start, end] = [end, start];
        if (splitsSurrogatePair(text, start)) start--;
        if (splitsSurrogatePair(text, end)) end++;
        const range = { start: this.document.positionAt(start), end: this.document.positionAt(end) };
        change = { range, text: raw.text };
        if (this.tree) {
          forgetParents(this.tree);
          // Tree-sitter counts rows by \n only (LSP also breaks lines at a lone \r) and columns in UTF-16 code units.
          const startPosition = pointAt(text, start);
          this.tree.edit({
            startIndex: start,
            oldEndIndex: end,
            newEndIndex: start + raw.text.length,
            startPosition,
            oldEndPosition: pointAt(text, end),
            newEndPosition: pointAfter(startPosition, raw.text),
          });
        }
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

/** True when `offset` falls between the high and the low half of a surrogate pair. */
function splitsSurrogatePair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** Tree-sitter's point of an offset: rows counted by \n. */
function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) row++;
  const lineStart = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
  return { row, column: offset - lineStart };
}

/** The point after inserting `text` at `start`. */
function pointAfter(start: { row: number; column: number }, text: string): { row: number; column: number } {
  const lines = text.split('\n');
  if (lines.length === 1) return { row: start.row, column: start.column + text.length };
  return { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
}
