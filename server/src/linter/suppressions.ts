// Suppression comments, in the forms Go developers already write:
//   //lint:ignore <rule>[,<rule>] <reason>   (staticcheck) on the line before
//   //lint:file-ignore <rule> <reason>        anywhere: the whole file
//   //nolint[:<rule>[,<rule>]]                (golangci-lint) at the end of the
//                                             line, or alone on a line before a
//                                             statement or declaration: all of it
//   // #nosec [G118 ...]                       (gosec) likewise
// `go-concurrency-lint` and `all` name every rule of this tool. A rule's peer
// checks (Rule.peers) are honoured too: `//nolint:govet` silences lost-cancel
// as it silences vet's lostcancel, `//lint:ignore SA1012` silences nil-context.
import type { Node } from 'web-tree-sitter';
import type { Rule } from '../ruleapi/rule';
import type { LineIndex } from './positions';

const TOOL = 'go-concurrency-lint';

export class Suppressions {
  private readonly byLine = new Map<number, Set<string>>();
  private readonly fileWide = new Set<string>();

  /** Lines are counted by `lines`, as the findings' are (tree-sitter's rows ignore a lone `\r`). */
  constructor(root: Node, private readonly lines: LineIndex, text: string = root.text) {
    // Only comments that contain one of these words can suppress: find them
    // in the text and read the comments they are in, rather than walking the
    // whole tree for comments.
    const read = new Set<number>();
    for (const word of ['//lint:', 'nolint', '#nosec']) {
      for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
        const node = root.descendantForIndex(i, i + 1);
        if (node?.type !== 'comment' || read.has(node.startIndex)) continue;
        read.add(node.startIndex);
        this.read(node, text);
      }
    }
  }

  /** True when a comment suppresses `rule` on the 0-based `line`. */
  suppresses(rule: Pick<Rule, 'id' | 'peers'>, line: number): boolean {
    return matches(this.fileWide, rule) || matches(this.byLine.get(line), rule);
  }

  private read(comment: Node, text: string): void {
    const body = comment.text;
    let m = /^\/\/lint:ignore\s+(\S+)/.exec(body);
    if (m) return this.add(this.lastLine(comment) + 1, this.lastLine(comment) + 1, m[1].split(','));
    m = /^\/\/lint:file-ignore\s+(\S+)/.exec(body);
    if (m) {
      for (const id of m[1].split(',')) this.fileWide.add(id);
      return;
    }
    m = /^\/\/\s?nolint(?::([\w,-]+))?\b/.exec(body);
    if (m) return this.addCovered(comment, text, (m[1] ?? 'all').split(','));
    m = /#nosec\b((?:[\s,]+G\d{3})*)/.exec(body);
    if (m) {
      const codes = m[1].split(/[\s,]+/).filter(Boolean);
      this.addCovered(comment, text, codes.length ? codes : ['gosec']);
    }
  }

  /**
   * A directive at the end of a line covers that line; one alone on its line
   * covers the statement or declaration that follows it, all its lines (as
   * golangci-lint and gosec apply it).
   */
  private addCovered(comment: Node, text: string, ids: string[]): void {
    const lineStart = this.lines.offset({ line: this.firstLine(comment), character: 0 });
    const alone = text.slice(lineStart, comment.startIndex).trim() === '';
    let next = comment.nextNamedSibling;
    while (next?.type === 'comment') next = next.nextNamedSibling;
    if (alone && next && this.firstLine(next) > this.lastLine(comment)) {
      this.add(this.firstLine(next), this.lastLine(next), ids);
    } else {
      this.add(this.firstLine(comment), this.firstLine(comment), ids);
    }
  }

  private firstLine(node: Node): number {
    return this.lines.lineOf(node.startIndex);
  }

  /** The line of a node's last character (its end offset is past it). */
  private lastLine(node: Node): number {
    return this.lines.lineOf(Math.max(node.startIndex, node.endIndex - 1));
  }

  private add(first: number, last: number, ids: string[]): void {
    for (let line = first; line <= last; line++) {
      let set = this.byLine.get(line);
      if (!set) this.byLine.set(line, (set = new Set()));
      for (const id of ids) set.add(id);
    }
  }
}

function matches(ids: Set<string> | undefined, rule: Pick<Rule, 'id' | 'peers'>): boolean {
  if (!ids) return false;
  if (ids.has(rule.id) || ids.has(TOOL) || ids.has('all')) return true;
  return !!rule.peers?.some((peer) => ids.has(peer.linter) || !!peer.checks?.some((check) => ids.has(check)));
}
