// Suppression comments, in the two forms Go developers already write:
//   //lint:ignore <rule>[,<rule>] <reason>   (staticcheck) on the line before
//   //lint:file-ignore <rule> <reason>        anywhere: the whole file
//   //nolint[:<rule>[,<rule>]]                (golangci-lint) at the end of the line
// `go-concurrency-lint` and `all` name every rule of this tool.
import type { Node } from 'web-tree-sitter';

const TOOL = 'go-concurrency-lint';

export class Suppressions {
  private readonly byLine = new Map<number, Set<string>>();
  private readonly fileWide = new Set<string>();

  constructor(root: Node, text: string = root.text) {
    // Only comments that contain "//lint:" or "nolint" can suppress: find
    // those words in the text and read the comments they are in, rather than
    // walking the whole tree for comments.
    const read = new Set<number>();
    for (const word of ['//lint:', 'nolint']) {
      for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
        const node = root.descendantForIndex(i, i + 1);
        if (node?.type !== 'comment' || read.has(node.startIndex)) continue;
        read.add(node.startIndex);
        this.read(node);
      }
    }
  }

  /** True when a comment suppresses `ruleId` on the 0-based `line`. */
  suppresses(ruleId: string, line: number): boolean {
    return matches(this.fileWide, ruleId) || matches(this.byLine.get(line), ruleId);
  }

  private read(comment: Node): void {
    const text = comment.text;
    let m = /^\/\/lint:ignore\s+(\S+)/.exec(text);
    if (m) return this.add(comment.endPosition.row + 1, m[1]);
    m = /^\/\/lint:file-ignore\s+(\S+)/.exec(text);
    if (m) {
      for (const id of m[1].split(',')) this.fileWide.add(id);
      return;
    }
    m = /^\/\/\s?nolint(?::([\w,-]+))?\b/.exec(text);
    if (m) this.add(comment.startPosition.row, m[1] ?? 'all');
  }

  private add(line: number, ids: string): void {
    let set = this.byLine.get(line);
    if (!set) this.byLine.set(line, (set = new Set()));
    for (const id of ids.split(',')) set.add(id);
  }
}

function matches(ids: Set<string> | undefined, ruleId: string): boolean {
  return !!ids && (ids.has(ruleId) || ids.has(TOOL) || ids.has('all'));
}
