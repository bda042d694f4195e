// Open documents: their text (LSP's incremental sync applied change by
// change) and their parse tree, kept incremental with tree.edit + reparse.
// Trees live in wasm memory and are freed explicitly when a document closes.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { GoParser, Tree } from '../engine/parser';

export class OpenDocument {
  /** The tree of the text as of the last `parse()`, edited since then. */
  private tree: Tree | undefined;
  private treeIsCurrent = false;

  constructor(public document: TextDocument) {}

  get version(): number {
    return this.document.version;
  }

  get text(): string {
    return this.document.getText();
  }

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (this.tree && 'range' in change) {
        const start = this.document.offsetAt(change.range.start);
        const oldEnd = this.document.offsetAt(change.range.end);
        this.tree.edit({
          startIndex: start,
          oldEndIndex: oldEnd,
          newEndIndex: start + change.text.length,
          startPosition: { row: change.range.start.line, column: change.range.start.character },
          oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
          newEndPosition: endOfInsertion(change.range.start, change.text),
        });
      } else {
        this.freeTree();
      }
      this.document = TextDocument.update(this.document, [change], version);
    }
    this.treeIsCurrent = false;
  }

  /** The tree of the current text, reparsed incrementally when it changed. */
  parse(parser: GoParser): Tree {
    if (!this.tree || !this.treeIsCurrent) {
      const next = parser.parse(this.text, this.tree);
      this.freeTree();
      this.tree = next;
      this.treeIsCurrent = true;
    }
    return this.tree;
  }

  freeTree(): void {
    this.tree?.delete();
    this.tree = undefined;
  }
}

function endOfInsertion(start: { line: number; character: number }, text: string): { row: number; column: number } {
  const lines = text.split('\n');
  if (lines.length === 1) return { row: start.line, column: start.character + text.length };
  return { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
}
