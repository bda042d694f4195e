// The contract between the linter and the rules. A rule reads the syntax tree
// through the engine, and reports findings as offsets into the file's text
// (UTF-16 code units, which is what JavaScript strings and tree-sitter's
// UTF-16 parse both use); front ends turn offsets into lines and columns.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import type { PackageIndex } from '../engine/package';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type Category = 'context' | 'goroutine' | 'sync' | 'timer';

export interface PeerCheck {
  /** The golangci-lint linter name: govet, staticcheck, gosec, contextcheck... */
  linter: string;
  /** The linter's own check names or codes (SA1012, G118, lostcancel). */
  checks?: readonly string[];
}

export interface Span {
  start: number;
  end: number;
}

export interface TextEdit extends Span {
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix `--fix` and "Fix all" apply. At most one per finding. */
  preferred?: boolean;
}

export interface RelatedLocation extends Span {
  message: string;
  /**
   * Absolute path when the location is in another file of the package;
   * `start`/`end` are then offsets in that file, and `range` their 0-based
   * lines and UTF-16 columns (the front ends do not read that file).
   */
  path?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface Finding extends Span {
  ruleId: string;
  severity: Severity;
  message: string;
  related: RelatedLocation[];
  fixes: Fix[];
}

export type Report = Omit<Finding, 'ruleId' | 'severity' | 'related' | 'fixes'> &
  Partial<Pick<Finding, 'related' | 'fixes'>> & {
    /**
     * A severity below the rule's default for this finding (a weaker case of
     * the rule). It applies only while the rule runs at its default severity:
     * a severity the user configures applies to all of the rule's findings.
     * A severity above the configured one is ignored: rules only lower.
     * `off`: a lower-value case of the rule (a test, a one-shot program, a
     * bounded effect), dropped unless the user configured the rule's
     * severity, which turns on all of its cases at that severity.
     */
    severity?: Severity | 'off';
    /**
     * Findings in tests and test helpers are hidden unless the rule is
     * configured (1 REAL in 86 judged on the precision corpus); `show`
     * keeps this one (a benchmark's b.N loop).
     */
    inTests?: 'show';
  };

export interface RuleContext {
  readonly file: GoFile;
  /**
   * The user set this rule's severity (settings, config file, `--severity`):
   * the cases a rule shows only then (reported with severity 'off') need not
   * be computed otherwise.
   */
  readonly configured: boolean;
  report(finding: Report): void;
}

export interface Rule {
  id: string;
  category: Category;
  /** The severity the rule reports at when the user has not configured one. */
  defaultSeverity: Severity;
  /**
   * Off unless the user turns it on (a severity in settings or the config
   * file, `--rules` or `--enable`): the rule's judged precision on real code
   * is below the bar for findings shown by default (docs/precision.md).
   */
  optIn?: boolean;
  /**
   * The same check in other tools, whose suppression comments users have
   * already written: `//nolint:<linter>` silences this rule, and so does a
   * staticcheck `//lint:ignore <check>` or a gosec `#nosec <check>` naming
   * one of the checks. Example: `{ linter: 'govet', checks: ['lostcancel'] }`.
   */
  peers?: readonly PeerCheck[];
  /** One sentence: what the rule finds. */
  summary: string;
  /** Node types the linter's single walk hands to `visit`. */
  nodeTypes: readonly string[];
  /**
   * Words without which the rule cannot fire (any one must occur in the
   * file's text): a file that contains none of any active rule's tokens is
   * not parsed at all. Omit to run on every file.
   */
  tokens?: readonly string[];
  /** Like `tokens`, but any file of the package (the directory) may hold them. */
  packageTokens?: readonly string[];
  /**
   * A finer test, before parsing, of a file that passed the tokens: false
   * when the file at `path` with `text` cannot hold a finding of the rule.
   * `packages` reads the other files of the package (and their facts);
   * `configured`: the user set the rule's severity (RuleContext.configured).
   */
  mayFire?(text: string, path: string, packages: PackageIndex, configured: boolean): boolean;
  /**
   * Words without which the visited node cannot be a finding (any one must
   * occur in the node's own text): the linter does not visit the others.
   * Only for rules whose finding is about the visited node itself, such as
   * the call of `time.Tick`.
   */
  nodeTokens?: readonly string[];
  visit(node: Node, context: RuleContext): void;
}

export const DOCS_BASE_URL = 'https://github.com/go-concurrency-lint/go-concurrency-lint/blob/main/docs/rules/';

export function docUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}
