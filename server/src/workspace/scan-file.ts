// One file of a scan, as the CLI and the workspace scan both do it: read,
// skip what cannot match, lint (or take the cached findings), and fix.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { version } from '../../../package.json';
import { formatGoVersion, type GoVersion } from '../engine/gomod';
import type { Analyzer } from '../linter/analyzer';
import { activeRules, type ActiveRule, type LintConfig } from '../linter/config';
import { applyEdits, preferredEdits } from '../linter/fixes';
import { describeStop } from '../linter/linter';
import { prefilter, type Prefilter } from '../linter/prefilter';
import type { Finding } from '../ruleapi/rule';
import { FindingsCache } from './cache';
import { isGenerated } from './files';

export interface ScanOptions {
  config: LintConfig;
  fix?: boolean;
  /** Skip generated files (with vendor/ and the other default excludes, which the file listing applies). */
  defaultExcludes?: boolean;
  /** Directory of the on-disk findings cache; none when absent. */
  cacheDir?: string;
  /** Parse every file even when no rule's token occurs in it (to test that skipping changes nothing). */
  noSkip?: boolean;
  /** Files larger than this many bytes are skipped with a message. */
  maxFileSize?: number;
  /** The Go version of every file (default: from the nearest go.mod). */
  goVersion?: GoVersion;
  /** Also report suppression comments that silence nothing. */
  reportUnusedSuppressions?: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export interface FileResult {
  path: string;
  findings: Finding[];
  /** The text the findings refer to, when there are findings. */
  text?: string;
  /** Why the file was not linted, for the user. */
  skipped?: string;
  error?: string;
  fixed?: boolean;
  /** Rules that threw on this file (their findings are lost), as `rule: message`. */
  failures?: string[];
  /** Why the findings stop short: the lint ran out of its time budget. */
  stopped?: string;
}

/** Why a result's findings are incomplete (a rule failed, the budget ran out), one sentence each, for the user. */
export function incompleteReasons(result: FileResult): string[] {
  const reasons = (result.failures ?? []).map((failure) => `${result.path}: rule ${failure} (its findings in this file are missing; please report this)`);
  if (result.stopped) reasons.push(`${result.path}: ${result.stopped}`);
  return reasons;
}

/** Fix rounds per file: a fix skipped for overlapping another is taken in the next round. */
const MAX_FIX_ROUNDS = 5;

export class FileScanner {
  private readonly rules: ActiveRule[];
  /** The two steps of the skip: words alone (before the cache), then the rules' finer tests (after it). */
  private readonly mayMatch: Prefilter;
  private readonly cache?: FindingsCache;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly options: ScanOptions,
  ) {
    this.analyzer.packages.maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.rules = activeRules(options.config);
    const byRules = prefilter(this.rules, this.analyzer.packages);
    // A file with a suppression comment can have an unused one, whatever else it holds.
    const mayHaveSuppressions = (text: string) => !!options.reportUnusedSuppressions && (text.includes('nolint') || text.includes('//lint:'));
    this.mayMatch = options.noSkip
      ? { hasWords: () => true, mayFire: () => true }
      : {
          hasWords: (text, path) => mayHaveSuppressions(text) || byRules.hasWords(text, path),
          mayFire: (text, path) => mayHaveSuppressions(text) || byRules.mayFire(text, path),
        };
    if (options.cacheDir && !options.fix) {
      this.cache = new FindingsCache(options.cacheDir, JSON.stringify({ version, rules: this.rules.map((r) => [r.rule.id, r.severity, !!r.configured]), unusedSuppressions: !!options.reportUnusedSuppressions }));
    }
  }

  scan(path: string): FileResult {
    let text: string;
    try {
      const size = statSync(path).size;
      const limit = this.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
      if (size > limit) return { path, findings: [], skipped: `skipped: ${size} bytes is over the size limit of ${limit} bytes` };
      // Through the package index, which reads each file once for itself and its siblings (the read error says why).
      text = this.analyzer.packages.read(path) ?? readFileSync(path, 'utf8');
    } catch (error) {
      return { path, findings: [], error: (error as Error).message };
    }
    if (this.options.defaultExcludes !== false && isGenerated(text)) return { path, findings: [], skipped: 'generated' };
    if (!this.mayMatch.hasWords(text, path)) return { path, findings: [] };
    const goVersion = this.cache ? String(formatGoVersionOrUnknown(this.analyzer.goVersionFor(path))) : '';
    const cached = this.cache?.get(path, text, goVersion);
    if (cached) return { path, findings: cached, text: cached.length ? text : undefined };
    if (!this.mayMatch.mayFire(text, path)) {
      // Cached too: the finer tests read the package, which a warm run need not do again.
      this.cache?.set(path, text, goVersion, []);
      return { path, findings: [] };
    }

    const linted = this.analyzer.lintText(path, text, this.rules, { reportUnusedSuppressions: this.options.reportUnusedSuppressions });
    let findings = linted.findings;
    const failures = linted.failures.map((f) => `${f.ruleId}: ${String((f.error as Error)?.message ?? f.error)}`);
    // Partial findings are reported, never cached nor fixed.
    const stopped = linted.stopped ? describeStop(text, linted.stopped) : undefined;
    if (failures.length || stopped) return { path, findings, text: findings.length ? text : undefined, failures, stopped };
    let fixed = false;
    if (this.options.fix) {
      const result = this.fix(path, text, findings);
      if (result.error) return { path, findings, text, error: result.error };
      fixed = result.text !== text;
      ({ text, findings } = result);
    }
    this.cache?.set(path, text, goVersion, findings);
    return { path, findings, text: findings.length ? text : undefined, fixed };
  }

  /**
   * Applies preferred fixes until none is left, then writes the file through
   * a temporary file and a rename, so an interrupted run never leaves it half
   * written. A fix that would break the parse is not written.
   */
  private fix(path: string, original: string, initial: Finding[]): { text: string; findings: Finding[]; error?: string } {
    let text = original;
    let findings = initial;
    for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
      const edits = preferredEdits(findings);
      if (edits.length === 0) break;
      const next = applyEdits(text, edits);
      if (!this.analyzer.parsesCleanly(next) && this.analyzer.parsesCleanly(text)) {
        return { text: original, findings: initial, error: 'a fix would leave the file unparsable; nothing was written (please report this)' };
      }
      text = next;
      findings = this.analyzer.lintText(path, text, this.rules, { reportUnusedSuppressions: this.options.reportUnusedSuppressions }).findings;
    }
    if (text !== original) {
      const temporary = `${path}.go-concurrency-lint-${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
      this.analyzer.packages.forget(path);
    }
    return { text, findings };
  }
}

function formatGoVersionOrUnknown(version: GoVersion | undefined): string {
  return version ? formatGoVersion(version) : 'unknown';
}
