// "Scan Workspace": lints every Go file of the workspace folders in the
// worker pool, publishes diagnostics for the files that are not open, and
// keeps them true afterwards as files change on disk. Open files are the
// live linter's (their unsaved text wins), so a scan never publishes for them.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { Analyzer } from '../linter/analyzer';
import type { GoVersion } from '../engine/gomod';
import type { LintConfig } from '../linter/config';
import { LineIndex } from '../engine/positions';
import { globMatcher } from '../workspace/globs';
import { isListed, listGoFiles } from '../workspace/files';
import { defaultJobs, scanFiles } from '../workspace/pool';
import { incompleteReasons, type FileResult, type ScanOptions } from '../workspace/scan-file';
import { toDiagnostic } from './convert';
import type { Settings } from './settings';

export const SCAN_COMMAND = 'go-concurrency-lint.scanWorkspace';

/** What a scan did, as the command's result and the output channel's summary. */
export interface ScanSummary {
  folders: string[];
  files: number;
  /** Files the scan finished (fewer than `files` when cancelled). */
  scanned: number;
  findings: number;
  findingsByRule: Record<string, number>;
  /** Findings of severity hint, which the Problems panel of VS Code does not list. */
  hints: number;
  /** Files not linted, with why (size limit, unreadable). */
  skipped: string[];
  milliseconds: number;
  cancelled: boolean;
}

/** Work-done progress, from a token the client sent or one the server created. */
export interface ScanProgress {
  begin(title: string, message: string): void;
  report(percentage: number, message: string): void;
  done(): void;
  readonly cancelled: boolean;
}

/** What a workspace folder is linted with: the settings over its project configuration file. */
export interface FolderOptions {
  config: LintConfig;
  /** Globs relative to the folder. */
  exclude: readonly string[];
  goVersion?: GoVersion;
}

export interface ScanHost {
  readonly connection: Connection;
  readonly analyzer: Analyzer;
  settings(): Settings;
  folderOptions(folder: string): FolderOptions;
  isOpen(uri: string): boolean;
  /** Directory of the on-disk findings cache (extension storage), if any. */
  readonly cacheDirectory?: string;
}

/** A scan that fails on purpose, for the tests of what a failed scan does (no input makes one fail). */
const FAILING_SCAN = process.env.GO_CONCURRENCY_LINT_FAIL_SCAN;

/** Progress messages at most this often, so a fast scan does not flood the client. */
const PROGRESS_INTERVAL_MS = 100;
/** Refreshes of up to this many files run in the server's thread (starting workers costs more). */
const IN_THREAD_REFRESH = 4;

export class WorkspaceScan {
  /** Folders of the last scan; empty until a scan runs, and then closed files keep their diagnostics. */
  private roots: string[] = [];
  /** Closed files whose diagnostics the scan published, non-empty. */
  private readonly published = new Set<string>();
  private running: { cancel: () => void; finished: Promise<unknown> } | undefined;
  private refreshQueue: Promise<void> = Promise.resolve();

  constructor(private readonly host: ScanHost) {}

  get active(): boolean {
    return this.roots.length > 0;
  }

  /** Scans every Go file of `folders`; a scan already running is cancelled first. */
  async run(folders: readonly string[], progress: ScanProgress, token: CancellationToken): Promise<ScanSummary> {
    if (this.running) {
      this.running.cancel();
      await this.running.finished;
    }
    let cancelled = false;
    const isCancelled = () => cancelled || token.isCancellationRequested || progress.cancelled;
    const finished = this.scan(folders, progress, isCancelled).catch((error: unknown) => {
      // A failed scan ends its progress and is not run again by itself (settings changes, files changing on disk): the user runs it again.
      progress.done();
      this.roots = [];
      throw new Error(`the workspace scan failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`, { cause: error });
    });
    const running = { cancel: () => (cancelled = true), finished };
    this.running = running;
    try {
      return await finished;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  private async scan(folders: readonly string[], progress: ScanProgress, isCancelled: () => boolean): Promise<ScanSummary> {
    const started = Date.now();
    progress.begin('Go Concurrency Lint: scanning', 'listing files');
    const byFolder = new Map<string, string[]>();
    const skipped: string[] = [];
    for (const folder of folders) {
      const listing = listGoFiles([folder], true, this.host.folderOptions(folder).exclude);
      byFolder.set(folder, listing.files);
      skipped.push(...listing.errors);
    }
    const total = [...byFolder.values()].reduce((n, files) => n + files.length, 0);
    this.roots = [...folders];
    if (FAILING_SCAN) throw new Error(`${FAILING_SCAN} (GO_CONCURRENCY_LINT_FAIL_SCAN)`);
    const summary: ScanSummary = { folders: [...folders], files: total, scanned: 0, findings: 0, findingsByRule: {}, hints: 0, skipped, milliseconds: 0, cancelled: false };
    const withFindings = new Set<string>();
    let lastReport = 0;
    // Each folder with its own rules (its configuration file); a package never spans two folders.
    for (const [folder, files] of byFolder) {
      if (isCancelled()) break;
      await scanFiles(files, this.scanOptions(folder), this.jobs(files.length), {
        isCancelled,
        onFallback: (reason) => this.host.connection.console.warn(`worker threads are unavailable (${reason}); scanning in the server's thread`),
        onResult: (result) => {
          // Files still in flight when the scan is cancelled are dropped: nothing is published after the answer.
          if (isCancelled()) return;
          this.logIncomplete(result);
          summary.scanned++;
          this.record(result, summary);
          if (result.findings.length) withFindings.add(result.path);
          this.publish(result);
          const now = Date.now();
          if (now - lastReport >= PROGRESS_INTERVAL_MS) {
            lastReport = now;
            progress.report(Math.floor((summary.scanned * 100) / Math.max(1, total)), `${summary.scanned}/${total} files`);
          }
        },
      });
    }
    summary.cancelled = isCancelled();
    if (!summary.cancelled) {
      // Files that had findings but are no longer listed (an exclude added, a file deleted unseen).
      for (const path of [...this.published]) if (!withFindings.has(path)) this.clear(path);
    }
    summary.milliseconds = Date.now() - started;
    progress.done();
    this.host.connection.console.info(formatSummary(summary));
    return summary;
  }

  /**
   * Files changed, created or deleted on disk (or closed in the editor):
   * lints them again with their package's other listed files, whose
   * findings can depend on them. Nothing happens before the first scan.
   */
  refresh(paths: readonly string[]): Promise<void> {
    if (!this.active || paths.length === 0) return this.refreshQueue;
    this.refreshQueue = this.refreshQueue.then(() => this.refreshNow(paths)).catch((error) => {
      this.host.connection.console.error(`refreshing scan diagnostics failed: ${String((error as Error)?.stack ?? error)}`);
    });
    return this.refreshQueue;
  }

  /** Files closed in the editor: their diagnostics now come from the file on disk. */
  closed(path: string): Promise<void> {
    return this.listed(path) ? this.refresh([path]) : this.refreshQueue;
  }

  private async refreshNow(changed: readonly string[]): Promise<void> {
    const targets = new Set<string>();
    for (const path of changed) {
      const dir = dirname(path);
      for (const name of goFilesIn(dir)) targets.add(join(dir, name));
      // A deleted file is not in its directory any more: clear what it had.
      if (!targets.has(path) && this.published.has(path)) this.clear(path);
    }
    const byFolder = new Map<string, string[]>();
    for (const path of targets) {
      const folder = this.folderOf(path);
      if (!folder || this.host.isOpen(pathToFileURL(path).href)) continue;
      let list = byFolder.get(folder);
      if (!list) byFolder.set(folder, (list = []));
      list.push(path);
    }
    for (const [folder, paths] of byFolder) {
      await scanFiles(paths, this.scanOptions(folder), paths.length <= IN_THREAD_REFRESH ? 1 : this.jobs(paths.length), {
        analyzer: this.host.analyzer,
        onFallback: (reason) => this.host.connection.console.warn(`worker threads are unavailable (${reason}); scanning in the server's thread`),
        onResult: (result) => {
          const reason = result.error ?? (result.skipped !== 'generated' ? result.skipped : undefined);
          if (reason) this.host.connection.console.warn(`${result.path}: ${reason}`);
          this.logIncomplete(result);
          this.publish(result);
        },
      });
    }
  }

  /** The scanned folder whose listing has `path` (the innermost, when folders nest). */
  private folderOf(path: string): string | undefined {
    let found: string | undefined;
    for (const root of this.roots) {
      if ((!found || root.length > found.length) && isListed(root, path, true, globMatcher(this.host.folderOptions(root).exclude))) found = root;
    }
    return found;
  }

  private listed(path: string): boolean {
    return this.folderOf(path) !== undefined;
  }

  private scanOptions(folder: string): ScanOptions {
    const settings = this.host.settings();
    const options = this.host.folderOptions(folder);
    return {
      config: options.config,
      goVersion: options.goVersion,
      defaultExcludes: true,
      cacheDir: this.host.cacheDirectory,
      maxFileSize: settings.maxFileSize,
      reportUnusedSuppressions: settings.reportUnusedSuppressions,
    };
  }

  private jobs(files: number): number {
    const configured = this.host.settings().maxWorkers;
    return Math.max(1, Math.min(configured > 0 ? configured : defaultJobs(), files));
  }

  /** A rule that failed, a lint that stopped at its budget: the file's findings are incomplete, and the log says why. */
  private logIncomplete(result: FileResult): void {
    for (const reason of incompleteReasons(result)) this.host.connection.console.error(reason);
  }

  private record(result: FileResult, summary: ScanSummary): void {
    if (result.skipped && result.skipped !== 'generated') summary.skipped.push(`${result.path}: ${result.skipped}`);
    if (result.error) summary.skipped.push(`${result.path}: ${result.error}`);
    summary.findings += result.findings.length;
    summary.hints += result.findings.filter((f) => f.severity === 'hint').length;
    for (const finding of result.findings) summary.findingsByRule[finding.ruleId] = (summary.findingsByRule[finding.ruleId] ?? 0) + 1;
  }

  private publish(result: FileResult): void {
    const uri = pathToFileURL(result.path).href;
    if (this.host.isOpen(uri)) return;
    if (result.findings.length === 0 || result.text === undefined) {
      if (this.published.has(result.path)) this.clear(result.path);
      return;
    }
    const lines = new LineIndex(result.text);
    this.published.add(result.path);
    void this.host.connection.sendDiagnostics({ uri, diagnostics: result.findings.map((f) => toDiagnostic(uri, lines, f)) });
  }

  private clear(path: string): void {
    this.published.delete(path);
    const uri = pathToFileURL(path).href;
    if (!this.host.isOpen(uri)) void this.host.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

function goFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.go'));
  } catch {
    return [];
  }
}

export function formatSummary(summary: ScanSummary): string {
  const seconds = (summary.milliseconds / 1000).toFixed(1);
  const status = summary.cancelled ? `Scan cancelled after ${summary.scanned} of ${summary.files} files` : `Scanned ${summary.files} files`;
  const lines = [`${status} in ${seconds} s (${summary.folders.join(', ')}): ${summary.findings} finding${summary.findings === 1 ? '' : 's'}.`];
  for (const [rule, count] of Object.entries(summary.findingsByRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`  ${rule.padEnd(30)} ${count}`);
  if (summary.skipped.length) lines.push(`Not linted (${summary.skipped.length}):`, ...summary.skipped.map((s) => `  ${s}`));
  return lines.join('\n');
}
