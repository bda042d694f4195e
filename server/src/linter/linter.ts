// Runs the active rules over one file in a single walk of its tree (at once,
// or in slices for the editor, within a time budget), then drops suppressed
// findings. At a rule's defaults, findings in tests and
// test helpers are dropped (see docs/precision.md). A rule that throws on a strange tree (half-typed
// code) loses its findings for that file; the others still report.
import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../engine/file';
import { nodesOfTypes, topLevel as topLevelNodes } from '../engine/syntax';
import type { Finding, Report, Rule, RuleContext, Severity } from '../ruleapi/rule';
import type { ActiveRule } from './config';
import { LineIndex } from '../engine/positions';
import { declarationAt, declarationShapes, planReuse, versionKey, type DeclarationShape, type LintMemo, type OriginFinding, type OriginHidden, type ReusePlan } from './reuse';
import { suppressionFindings } from './suppression-check';
import { Suppressions } from './suppressions';

export interface LintResult {
  findings: Finding[];
  /** Rules that failed on this file, with the error, for the log. */
  failures: { ruleId: string; error: unknown }[];
  /** Set when the lint stopped at its time budget: the findings are those before `offset`. */
  stopped?: { offset: number; afterMs: number };
  /** With `LintOptions.reuse`: what the next version's lint can reuse (none when the lint stopped or a rule failed). */
  memo?: LintMemo;
  /** With `LintOptions.reuse`: how many top-level declarations the rules visited, when not the whole file. */
  relinted?: number;
}

export interface LintOptions {
  /**
   * Time the rules may spend on the file (milliseconds of linting, not
   * counting the sibling files' facts, which the first file of a package
   * pays for the whole package). Past it the lint stops, keeping what it
   * found before; the caller tells the user. Only a bug or a pathological
   * file should reach it.
   */
  budgetMs?: number;
  /** Also report suppression comments that silence nothing (see suppression-check.ts). */
  reportUnusedSuppressions?: boolean;
  /**
   * Lint only the declarations an edit since `previous` can change, keeping
   * the other findings of `previous` (see reuse.ts); `siblings` are the
   * package's other files now. The result carries the memo for the next one.
   */
  reuse?: { previous: LintMemo | undefined; siblings: LintMemo['siblings'] };
}

/**
 * A rule that fails on purpose, for the tests that a failing rule is
 * reported (no input makes a rule fail any more, and none should).
 */
const FAILING_RULE = process.env.GO_CONCURRENCY_LINT_FAIL_RULE;

/** Files larger than this (UTF-16 code units) are linted without looking up the rules' words (see FileLint.scansTokens). */
const TOKEN_SCAN_LIMIT = 512 * 1024;

/** The time budget of one file when the caller gives none. */
export const DEFAULT_BUDGET_MS = 5000;

/** The user's sentence for a lint that stopped at its budget. */
export function describeStop(text: string, stopped: NonNullable<LintResult['stopped']>): string {
  const line = new LineIndex(text).lineOf(stopped.offset) + 1;
  return `linting stopped at line ${line} after ${(stopped.afterMs / 1000).toFixed(1)} s, the time budget of a file: findings from that line on are missing (please report this)`;
}

/** Lints a file in one go. */
export function lintFile(file: GoFile, rules: readonly ActiveRule[], options: LintOptions = {}): LintResult {
  const lint = new FileLint(file, rules, options.reuse);
  const done = lint.run(options.budgetMs ?? DEFAULT_BUDGET_MS);
  return lint.result(done ? undefined : lint.spentMs, options);
}

/**
 * Lints a file a slice of at most `sliceMs` at a time, letting the event loop
 * run between slices (the editor's other documents go on meanwhile).
 * Undefined when `stale()` says the result is no longer wanted.
 */
export async function lintFileInSlices(
  file: GoFile,
  rules: readonly ActiveRule[],
  options: LintOptions & { sliceMs: number; stale: () => boolean },
): Promise<LintResult | undefined> {
  const lint = new FileLint(file, rules, options.reuse);
  const budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
  for (;;) {
    const done = lint.run(Math.min(lint.spentMs + options.sliceMs, budget));
    if (done || lint.spentMs >= budget) return lint.result(done ? undefined : lint.spentMs, options);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.stale()) return undefined;
  }
}

/**
 * One lint of one file: the nodes the active rules asked for, visited in
 * source order in a single pass, which can stop at a deadline and resume.
 * A rule reports the findings of the node it visits, so the findings of the
 * nodes visited so far are whole when the pass stops early.
 */
class FileLint {
  private readonly byType = new Map<string, ActiveRule[]>();
  private readonly nodes: Node[];
  private next = 0;
  private readonly findings: OriginFinding[] = [];
  /** Findings the rules' defaults hide (tests, lower-value cases): a suppression of them is not unused. */
  private readonly hidden: OriginHidden[] = [];
  /** The file's top-level declarations; the one of the node being visited is where its findings come from. */
  private readonly declarations: DeclarationShape[];
  private declaration = -1;
  private readonly plan: ReusePlan | undefined;
  private readonly failed = new Map<string, unknown>();
  private readonly contexts = new Map<ActiveRule, RuleContext>();
  /** Time spent in `run` so far, less the time spent on sibling files' facts. */
  spentMs = 0;

  constructor(
    private readonly file: GoFile,
    private readonly rules: readonly ActiveRule[],
    private readonly reuse?: LintOptions['reuse'],
  ) {
    if (reuse) file.knowSiblingTexts(reuse.siblings);
    const topLevel = reuse ? topLevelNodes(file.root) : [];
    this.declarations = declarationShapes(topLevel);
    this.plan = reuse && planReuse(reuse.previous, file, topLevel, this.declarations, rules, reuse.siblings);
    const running = new Set<string>();
    for (const active of rules) {
      // A rule whose words are not in the file cannot fire here (the contract of Rule.tokens): it costs nothing.
      const { tokens, packageTokens } = active.rule;
      if (this.scansTokens && tokens && !packageTokens && !tokens.some((t) => this.occurrences(t).length > 0)) continue;
      running.add(active.rule.id);
      for (const type of active.rule.nodeTypes) {
        let list = this.byType.get(type);
        if (!list) this.byType.set(type, (list = []));
        list.push(active);
      }
    }
    // A node object is only made for the node types some rule asked for, and the walk itself runs in wasm.
    const types = new Set(this.byType.keys());
    if (this.plan) {
      this.nodes = this.plan.declarations.flatMap((d) => nodesOfTypes(d, types, file.text));
      // The earlier findings of the declarations not visited, of the rules that run (as the whole lint would).
      this.findings.push(...this.plan.findings.filter((f) => running.has(f.finding.ruleId)));
      this.hidden.push(...this.plan.hidden.filter((h) => running.has(h.ruleId)));
    } else {
      this.nodes = nodesOfTypes(file.root, types, file.text);
    }
  }

  /** The declarations visited so far, whose dependencies this lint records. */
  private readonly dependencyOwners = new Set<number>();

  /** Visits nodes until all are done (true) or `spentMs` reaches `until` (false). */
  run(until: number): boolean {
    const { nodes, file } = this;
    const started = performance.now();
    const siblingsBefore = file.siblingMs;
    const spentBefore = this.spentMs;
    while (this.next < nodes.length) {
      this.spentMs = spentBefore + performance.now() - started - (file.siblingMs - siblingsBefore);
      if (this.spentMs > until) {
        file.dependencies = undefined;
        return false;
      }
      const node = nodes[this.next++];
      if (this.reuse) {
        this.declaration = declarationAt(this.declarations, node.startIndex);
        const shape = this.declarations[this.declaration];
        // What the declaration's findings depend on beyond its text, for the next lint (its earlier set is replaced).
        if (shape && !this.dependencyOwners.has(this.declaration)) {
          this.dependencyOwners.add(this.declaration);
          shape.depends = new Set();
        }
        file.dependencies = shape?.depends;
      }
      for (const active of this.byType.get(node.type) ?? []) {
        if (this.failed.has(active.rule.id)) continue;
        if (this.scansTokens && active.rule.nodeTokens && !this.holdsNodeToken(active.rule).has(node.id)) continue;
        try {
          if (active.rule.id === FAILING_RULE) throw new Error(`${FAILING_RULE} fails on purpose (GO_CONCURRENCY_LINT_FAIL_RULE)`);
          active.rule.visit(node, this.contextOf(active));
        } catch (error) {
          this.failed.set(active.rule.id, error);
        }
      }
    }
    this.spentMs = spentBefore + performance.now() - started - (file.siblingMs - siblingsBefore);
    file.dependencies = undefined;
    return true;
  }

  /**
   * Whether the rules' words are looked up in the text: not in a file over
   * TOKEN_SCAN_LIMIT, where reading the whole text once per word costs more
   * than the walk it would save (such a file is mostly embedded data, whose
   * string literals the walk does not enter). Either way, the same findings.
   */
  private get scansTokens(): boolean {
    return this.file.text.length <= TOKEN_SCAN_LIMIT;
  }

  /** Where each word occurs in the file's text, found once per word. */
  private readonly offsets = new Map<string, number[]>();

  private occurrences(token: string): number[] {
    let found = this.offsets.get(token);
    if (!found) {
      found = [];
      const text = this.file.text;
      for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) found.push(i);
      this.offsets.set(token, found);
    }
    return found;
  }

  /** Per rule with node tokens: the nodes of its types whose text holds one of them. */
  private readonly withNodeToken = new Map<Rule, Set<number>>();

  /**
   * The ids of the nodes of `rule`'s types whose text holds one of its node
   * tokens: the nodes that span an occurrence are the ancestors of the
   * smallest node that spans it, so a few lookups per occurrence find them,
   * rather than a look at every node.
   */
  private holdsNodeToken(rule: Rule): Set<number> {
    let ids = this.withNodeToken.get(rule);
    if (ids) return ids;
    ids = new Set();
    const { root } = this.file;
    const types = new Set(rule.nodeTypes);
    // With a reuse plan, only the declarations linted again are visited.
    const visited = this.plan?.declarations;
    const inVisited = (i: number) => !visited || visited.some((d) => i >= d.startIndex && i < d.endIndex);
    for (const token of rule.nodeTokens ?? []) {
      for (const i of this.occurrences(token)) {
        if (!inVisited(i)) continue;
        for (let n: Node | null = root.descendantForIndex(i, i + token.length); n; n = n.parent) {
          if (types.has(n.type)) {
            if (ids.has(n.id)) break; // its ancestors were seen with it
            ids.add(n.id);
          }
        }
      }
    }
    this.withNodeToken.set(rule, ids);
    return ids;
  }

  result(stoppedAfterMs?: number, options: LintOptions = {}): LintResult {
    const { file, failed } = this;
    const kept = this.findings.map((f) => f.finding).filter((f) => !failed.has(f.ruleId));
    const ruleOf = new Map(this.rules.map((active) => [active.rule.id, active.rule]));
    const checkSuppressions = !!options.reportUnusedSuppressions && stoppedAfterMs === undefined;
    let findings = kept;
    if (kept.length > 0 || checkSuppressions) {
      const lines = new LineIndex(file.text);
      const suppressions = new Suppressions(file.root, lines, file.text);
      findings = kept.filter((f) => !suppressions.suppresses(ruleOf.get(f.ruleId)!, lines.lineOf(f.start)));
      if (checkSuppressions) {
        for (const h of this.hidden) suppressions.suppresses(ruleOf.get(h.ruleId)!, lines.lineOf(h.start));
        const checked = new Set(this.rules.map((active) => active.rule.id).filter((id) => !failed.has(id)));
        findings.push(...suppressionFindings(suppressions, checked, file.text, lines));
      }
    }
    const result: LintResult = {
      findings: findings.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId)),
      failures: [...failed].map(([ruleId, error]) => ({ ruleId, error })),
    };
    if (stoppedAfterMs !== undefined) result.stopped = { offset: this.nodes[this.next]?.startIndex ?? file.text.length, afterMs: stoppedAfterMs };
    if (this.reuse) {
      if (this.plan) result.relinted = this.plan.declarations.length;
      if (stoppedAfterMs === undefined && failed.size === 0) {
        result.memo = {
          text: file.text,
          path: file.path,
          rules: this.rules,
          goVersion: versionKey(file),
          codeKind: file.codeKind,
          siblings: this.reuse.siblings,
          declarations: this.declarations,
          findings: this.findings,
          hidden: this.hidden,
          neverReturning: file.neverReturningFunctions,
        };
      }
    }
    return result;
  }

  private contextOf(active: ActiveRule): RuleContext {
    let context = this.contexts.get(active);
    if (!context) {
      const file = this.file;
      const report = ({ inTests, ...r }: Report) => {
        const hidden = inTests !== 'show' && (file.codeKind === 'test' || file.codeKind === 'test-support');
        const severity = findingSeverity(active, hidden ? 'off' : r.severity);
        if (severity !== 'off') this.findings.push({ finding: { related: [], fixes: [], ...r, ruleId: active.rule.id, severity }, declaration: this.declaration });
        else this.hidden.push({ ruleId: active.rule.id, start: r.start, declaration: this.declaration });
      };
      this.contexts.set(active, (context = { file, report, configured: !!active.configured }));
    }
    return context;
  }
}

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * The severity of one finding: the rule's configured severity, or the lower
 * severity the rule reported for it when the rule runs at its default
 * severity (not configured by the user). A rule can lower, never raise.
 */
export function findingSeverity(active: ActiveRule, reported: Severity | 'off' | undefined): Severity | 'off' {
  if (!reported || active.configured || active.severity !== active.rule.defaultSeverity) return active.severity;
  if (reported === 'off') return 'off';
  return RANK[reported] > RANK[active.severity] ? reported : active.severity;
}
