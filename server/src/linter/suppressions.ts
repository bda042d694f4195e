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
// Each directive remembers which of its names silenced a finding, so that the
// ones that silence nothing can be reported (see suppression-check.ts).
import type { Node } from 'web-tree-sitter';
import type { Rule } from '../ruleapi/rule';
import type { LineIndex } from '../engine/positions';

export const TOOL = 'go-concurrency-lint';

export type DirectiveForm = 'lint:ignore' | 'lint:file-ignore' | 'nolint' | 'nosec';

export interface DirectiveName {
  name: string;
  /** Offsets of the name in the file's text. */
  start: number;
  end: number;
}

export interface Directive {
  form: DirectiveForm;
  /** The comment that holds it. */
  comment: { start: number; end: number };
  /** The names it lists; none for a bare `//nolint` or `#nosec` (everything). */
  names: DirectiveName[];
  /** The 0-based lines it covers; undefined for `//lint:file-ignore` (the whole file). */
  lines?: { first: number; last: number };
  /** The names that silenced at least one finding. */
  readonly used: Set<string>;
}

export class Suppressions {
  readonly directives: Directive[] = [];

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
    this.directives.sort((a, b) => a.comment.start - b.comment.start);
  }

  /** True when a comment suppresses `rule` on the 0-based `line`; the names that do are marked used. */
  suppresses(rule: Pick<Rule, 'id' | 'peers'>, line: number): boolean {
    let suppressed = false;
    for (const directive of this.directives) {
      if (directive.lines && (line < directive.lines.first || line > directive.lines.last)) continue;
      const name = matchingName(directive, rule);
      if (name === undefined) continue;
      directive.used.add(name);
      suppressed = true;
    }
    return suppressed;
  }

  private read(comment: Node, text: string): void {
    const body = comment.text;
    const at = comment.startIndex;
    let m = /^\/\/lint:ignore\s+(\S+)/.exec(body);
    if (m) {
      const next = this.lastLine(comment) + 1;
      return this.add('lint:ignore', comment, names(m[1], at + m[0].length - m[1].length, ','), { first: next, last: next });
    }
    m = /^\/\/lint:file-ignore\s+(\S+)/.exec(body);
    if (m) return this.add('lint:file-ignore', comment, names(m[1], at + m[0].length - m[1].length, ','), undefined);
    m = /^\/\/\s?nolint(?::([\w,-]+))?\b/.exec(body);
    if (m) return this.add('nolint', comment, m[1] ? names(m[1], at + m[0].length - m[1].length, ',') : [], this.covered(comment, text));
    m = /#nosec\b((?:[\s,]+G\d{3})*)/.exec(body);
    if (m) this.add('nosec', comment, names(m[1], at + m.index + m[0].length - m[1].length, /[\s,]/), this.covered(comment, text));
  }

  /**
   * A directive at the end of a line covers that line; one alone on its line
   * covers the statement or declaration that follows it, all its lines (as
   * golangci-lint and gosec apply it).
   */
  private covered(comment: Node, text: string): { first: number; last: number } {
    const lineStart = this.lines.offset({ line: this.firstLine(comment), character: 0 });
    const alone = text.slice(lineStart, comment.startIndex).trim() === '';
    let next = comment.nextNamedSibling;
    while (next?.type === 'comment') next = next.nextNamedSibling;
    if (alone && next && this.firstLine(next) > this.lastLine(comment)) return { first: this.firstLine(next), last: this.lastLine(next) };
    return { first: this.firstLine(comment), last: this.firstLine(comment) };
  }

  private firstLine(node: Node): number {
    return this.lines.lineOf(node.startIndex);
  }

  /** The line of a node's last character (its end offset is past it). */
  private lastLine(node: Node): number {
    return this.lines.lineOf(Math.max(node.startIndex, node.endIndex - 1));
  }

  private add(form: DirectiveForm, comment: Node, names: DirectiveName[], lines: Directive['lines']): void {
    this.directives.push({ form, comment: { start: comment.startIndex, end: comment.endIndex }, names, lines, used: new Set() });
  }
}

/** The names of a list that starts at offset `at`, split by `separator`. */
function names(list: string, at: number, separator: string | RegExp): DirectiveName[] {
  const result: DirectiveName[] = [];
  const pattern = typeof separator === 'string' ? new RegExp(`[^${separator}]+`, 'g') : /[^\s,]+/g;
  for (const m of list.matchAll(pattern)) result.push({ name: m[0], start: at + m.index!, end: at + m.index! + m[0].length });
  return result;
}

/** The name of `directive` that silences `rule`: its id, this tool, `all`, or a peer's linter or check (a bare directive: everything). */
function matchingName(directive: Directive, rule: Pick<Rule, 'id' | 'peers'>): string | undefined {
  if (directive.names.length === 0) return directive.form === 'nosec' ? (rule.peers?.some((p) => p.linter === 'gosec') ? '' : undefined) : '';
  for (const { name } of directive.names) {
    if (name === rule.id || name === TOOL || name === 'all') return name;
    if (rule.peers?.some((peer) => peer.linter === name || !!peer.checks?.includes(name))) return name;
  }
  return undefined;
}
