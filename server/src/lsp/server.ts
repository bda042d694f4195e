// The language server: incremental document sync, diagnostics linted in
// slices, coalesced while a lint runs and never published for a stale
// version, quick fixes, "fix all", and the workspace scan.
import {
  CancellationToken,
  CodeAction,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ExecuteCommandRequest,
  FileChangeType,
  ResponseError,
  TextDocumentSyncKind,
  WorkDoneProgress,
  type CodeActionParams,
  type Connection,
  type ExecuteCommandParams,
  type InitializeParams,
  type InitializeResult,
  type ProgressToken,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
  MessageType,
  ShowMessageNotification,
  type Position,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { basename, dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../../package.json';
import { formatGoVersion, parseGoVersion, type GoVersion } from '../engine/gomod';
import { diskReader } from '../engine/package';
import { loadGo } from '../engine/parser';
import type { Language } from 'web-tree-sitter';
import { Analyzer } from '../linter/analyzer';
import type { LintMemo } from '../linter/reuse';
import { activeRules, usableRuleSettings, type ActiveRule, type LintConfig } from '../linter/config';
import { describeStop } from '../linter/linter';
import { LineIndex } from '../engine/positions';
import { docUrl, type Finding } from '../ruleapi/rule';
import { codeActions, SHOW_DOCUMENTATION_COMMAND, type ClientCommands } from './code-actions';
import { FIX_ALL_KIND, fileUriToPath, SOURCE, toDiagnostic } from './convert';
import { OpenDocument } from './documents';
import { listGoFiles } from '../workspace/files';
import { PROJECT_CONFIG_FILE, readProjectConfigIn, type ProjectConfigReading } from '../workspace/project-config';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { SCAN_COMMAND, WorkspaceScan, type ScanProgress, type ScanSummary } from './workspace-scan';

/** The server's state, for the client's status item. */
export const STATUS_NOTIFICATION = 'goConcurrencyLint/status';

export type ServerStatus =
  | { state: 'ready' | 'disabled' }
  | { state: 'scanning'; percentage: number; message: string }
  | { state: 'scanFailed'; message: string };

/** Longest stretch a parse of an open document holds the server before other messages are handled. */
const PARSE_SLICE_MS = 20;
/** The same for linting an open document. */
const LINT_SLICE_MS = 20;

/** How the files of one workspace folder are linted. */
interface FolderLint {
  config: LintConfig;
  rules: ActiveRule[];
  /** Globs relative to the folder: the project configuration's and the settings'. */
  exclude: string[];
  goVersion?: GoVersion;
}

interface Linted {
  version: number;
  lines: LineIndex;
  findings: Finding[];
}

export class Server {
  /** LSP's lifecycle: requests before initialize and after shutdown get errors, notifications then are dropped. */
  private state: 'starting' | 'initializing' | 'running' | 'shut down' = 'starting';
  private analyzer!: Analyzer;
  private language!: Language;
  private readonly documents = new Map<string, OpenDocument>();
  private readonly linted = new Map<string, Linted>();
  /** What the next lint of each open document can reuse of its last one (see linter/reuse.ts). */
  private readonly memos = new Map<string, LintMemo>();
  /** Lints about to start (after the messages already queued). */
  private readonly starting = new Map<string, NodeJS.Immediate>();
  /** Lints in progress from `schedule`, and whether changes came in meanwhile. */
  private readonly linting = new Map<string, { again: boolean }>();
  private settings: Settings = DEFAULT_SETTINGS;
  /** What each workspace folder is linted with (its project configuration under the settings); '' for files outside every folder. */
  private folderLints = new Map<string, FolderLint>();
  /** Each folder's .go-concurrency-lint.json, as last read. */
  private readonly projectConfigs = new Map<string, ProjectConfigReading>();
  /** The last message about configuration problems (told again only when it changes). */
  private toldConfigProblems = '';
  private pullConfiguration = false;
  /** Commands the client does the actions with, in its own way (VS Code: documentation offline, the reason selected). */
  private clientCommands: ClientCommands = {};
  private serverProgress = false;
  private watchFilesDynamically = false;
  private folders: string[] = [];
  private scan!: WorkspaceScan;
  /** Open files over the size limit, told once each. */
  private readonly toldTooLarge = new Set<string>();
  /** Rules whose failure the user was told of (once per rule and session; every failure is logged). */
  private readonly toldFailed = new Set<string>();
  /** The last line logged about the version, rules and settings in effect. */
  private loggedSettings = '';
  /** Open files whose lint stopped at its time budget, told once each. */
  private readonly toldStopped = new Set<string>();

  constructor(private readonly connection: Connection) {
    connection.onInitialize((params) => {
      if (this.state !== 'starting') throw new ResponseError(ErrorCodes.InvalidRequest, 'initialize was already sent');
      if (!isObject(params) || !isObject(params.capabilities)) throw new ResponseError(ErrorCodes.InvalidParams, 'initialize: params.capabilities must be an object');
      this.state = 'initializing';
      return this.initialize(params).then((result) => {
        this.state = 'running';
        return result;
      });
    });
    connection.onInitialized(() => this.initialized());
    connection.onDidOpenTextDocument((params) => {
      if (!this.running()) return;
      const d = params?.textDocument;
      // A notification gets no error answer: a malformed one is logged and ignored, and nothing else changes.
      if (typeof d?.uri !== 'string' || typeof d.text !== 'string' || typeof d.version !== 'number') return this.malformed('textDocument/didOpen', params);
      this.documents.get(d.uri)?.close();
      this.documents.set(d.uri, new OpenDocument(TextDocument.create(d.uri, typeof d.languageId === 'string' ? d.languageId : 'go', d.version, d.text), this.language));
      void this.lintNow(d.uri);
    });
    connection.onDidChangeTextDocument((params) => {
      if (!this.running()) return;
      const { textDocument, contentChanges } = params ?? {};
      if (typeof textDocument?.uri !== 'string' || typeof textDocument.version !== 'number' || !validChanges(contentChanges)) return this.malformed('textDocument/didChange', params);
      const document = this.documents.get(textDocument.uri);
      if (!document) return;
      document.applyChanges(contentChanges, textDocument.version);
      if (this.settings.run === 'onSave') return;
      this.schedule(textDocument.uri);
      this.scheduleSiblings(textDocument.uri);
    });
    connection.onDidSaveTextDocument((params) => {
      if (!this.running() || this.settings.run !== 'onSave') return;
      if (typeof params?.textDocument?.uri !== 'string') return this.malformed('textDocument/didSave', params);
      if (!this.documents.has(params.textDocument.uri)) return;
      this.schedule(params.textDocument.uri);
      this.scheduleSiblings(params.textDocument.uri);
    });
    connection.onDidCloseTextDocument((params) => {
      if (!this.running()) return;
      if (typeof params?.textDocument?.uri !== 'string') return this.malformed('textDocument/didClose', params);
      this.close(params.textDocument.uri);
    });
    connection.onDidChangeConfiguration((params) => {
      if (!this.running()) return;
      void this.configurationChanged(isObject(params) ? params.settings : undefined);
    });
    connection.onDidChangeWatchedFiles((params) => {
      if (!this.running()) return;
      const changes = params?.changes;
      if (!Array.isArray(changes) || !changes.every((c) => typeof c?.uri === 'string' && typeof c.type === 'number')) return this.malformed('workspace/didChangeWatchedFiles', params);
      const changedOnDisk: string[] = [];
      let configChanged = false;
      for (const change of changes) {
        const path = fileUriToPath(change.uri);
        this.analyzer.packages.forget(path);
        if (basename(path) === PROJECT_CONFIG_FILE) {
          if (this.folders.includes(dirname(path))) configChanged = true;
          continue;
        }
        if (basename(path) === 'go.mod') {
          // The Go version of every file below it may have changed.
          this.analyzer.goModules.forget();
          for (const uri of this.documents.keys()) this.schedule(uri);
          if (this.scan.active && change.type !== FileChangeType.Deleted) changedOnDisk.push(...listGoFiles([dirname(path)], true).files);
        } else if (path.endsWith('.go')) {
          changedOnDisk.push(path);
        }
        this.scheduleSiblings(change.uri);
      }
      if (configChanged) this.projectConfigsChanged();
      void this.scan.refresh(changedOnDisk);
    });
    connection.onRequest(ExecuteCommandRequest.type, (params, token) => {
      this.checkRequest('workspace/executeCommand');
      if (typeof params?.command !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'workspace/executeCommand: params.command must be a string');
      return this.executeCommand(params, token);
    });
    connection.onCodeAction((params) => {
      this.checkRequest('textDocument/codeAction');
      if (typeof params?.textDocument?.uri !== 'string' || !isRange(params.range) || !isObject(params.context)) {
        throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument/codeAction: params need textDocument.uri (a string), range (two positions of two numbers) and context (an object)');
      }
      return this.codeActions(params);
    });
    connection.onShutdown(() => {
      this.checkRequest('shutdown');
      this.state = 'shut down';
      for (const immediate of this.starting.values()) clearImmediate(immediate);
      for (const document of this.documents.values()) document.close();
      this.documents.clear();
    });
  }

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    const disk = diskReader();
    this.analyzer = await Analyzer.create({
      reader: {
        // An open editor buffer wins over the file on disk.
        read: (path) => this.documents.get(pathToFileURL(path).href)?.text ?? disk.read(path),
      },
    });
    this.language = await loadGo();
    this.pullConfiguration = !!params.capabilities.workspace?.configuration;
    this.serverProgress = !!params.capabilities.window?.workDoneProgress;
    this.watchFilesDynamically = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const options = (params.initializationOptions ?? {}) as { cacheDirectory?: unknown; clientCommands?: Record<string, unknown> };
    const commands = isObject(options.clientCommands) ? options.clientCommands : {};
    this.clientCommands = {
      showDocumentation: typeof commands.showDocumentation === 'string' ? commands.showDocumentation : undefined,
      selectRange: typeof commands.selectRange === 'string' ? commands.selectRange : undefined,
    };
    this.scan = new WorkspaceScan({
      connection: this.connection,
      analyzer: this.analyzer,
      settings: () => this.settings,
      folderOptions: (folder) => this.folderLint(folder),
      isOpen: (uri) => this.documents.has(uri),
      cacheDirectory: typeof options.cacheDirectory === 'string' && options.cacheDirectory ? options.cacheDirectory : undefined,
    });
    this.folders = (params.workspaceFolders ?? []).map((f) => fileUriToPath(f.uri));
    if (this.folders.length === 0 && params.rootUri) this.folders = [fileUriToPath(params.rootUri)];
    this.readProjectConfigs();
    this.analyzer.goVersionOverride = (path) => this.lintFor(path).goVersion;
    this.applySettings(readSettings(params.initializationOptions));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: { commands: [SCAN_COMMAND, SHOW_DOCUMENTATION_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SOURCE, version },
    };
  }

  private running(): boolean {
    return this.state === 'running';
  }

  /** Throws the error LSP prescribes for a request the server cannot take in its state. */
  private checkRequest(method: string): void {
    if (this.state === 'starting' || this.state === 'initializing') throw new ResponseError(ErrorCodes.ServerNotInitialized, `${method}: the server is not initialized yet (send initialize first)`);
    if (this.state === 'shut down') throw new ResponseError(ErrorCodes.InvalidRequest, `${method}: the server is shut down`);
  }

  private async initialized(): Promise<void> {
    if (this.state !== 'running') return;
    this.sendStatus(this.settings.enable ? { state: 'ready' } : { state: 'disabled' });
    if (this.watchFilesDynamically) {
      // Closed files' diagnostics and the package facts follow the disk.
      const watchers = [{ globPattern: '**/*.go' }, { globPattern: '**/go.mod' }, { globPattern: `**/${PROJECT_CONFIG_FILE}` }];
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
    }
    try {
      this.connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const gone = new Set(removed.map((f) => fileUriToPath(f.uri)));
        this.folders = [...this.folders.filter((f) => !gone.has(f)), ...added.map((f) => fileUriToPath(f.uri))];
        this.projectConfigsChanged();
      });
    } catch {
      // The client does not send workspace folder changes.
    }
    if (this.pullConfiguration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'goConcurrencyLint' }).catch(() => undefined);
      await this.configurationChanged(undefined);
    }
    if (this.settings.scanOnStartup && this.settings.enable) void this.scanInBackground();
  }

  private applySettings(settings: Settings): void {
    this.settings = settings;
    if (this.analyzer) this.analyzer.packages.maxFileSize = settings.maxFileSize;

    // A misspelled entry is named and ignored; the other entries still apply.
    const { rules, problems } = usableRuleSettings(settings.rules);
    const settingProblems = problems.map((p) => `goConcurrencyLint.rules: ${p}; that entry is ignored`);
    const goVersion = settings.goVersion ? parseGoVersion(settings.goVersion) : undefined;
    if (settings.goVersion && !goVersion) settingProblems.push(`goConcurrencyLint.goVersion: "${settings.goVersion}" is not a Go version such as 1.22; go.mod's is used`);
    const lints = new Map<string, FolderLint>();
    for (const folder of ['', ...this.folders]) {
      const project = this.projectConfigs.get(folder)?.config;
      // The editor's settings override the project configuration, rule by rule.
      const config: LintConfig = { rules: { ...project?.rules, ...rules } };
      lints.set(folder, { config, rules: activeRules(config), exclude: [...(project?.exclude ?? []), ...settings.exclude], goVersion: goVersion ?? project?.goVersion });
    }
    this.folderLints = lints;
    const allProblems = [...settingProblems, ...[...this.projectConfigs.values()].flatMap((r) => r.problems)];
    const told = allProblems.length ? `Go Concurrency Lint: ${allProblems.join('. ')}.` : '';
    if (told && told !== this.toldConfigProblems) this.tell(MessageType.Warning, told);
    this.toldConfigProblems = told;
    // What runs, in the log, at start and whenever it changes: the first thing to read when a finding is missing.
    const describe = (folder: string, lint: FolderLint) => `${folder ? `${folder}: ` : ''}rules: ${lint.rules.map((r) => `${r.rule.id} (${r.severity})`).join(', ')}${lint.goVersion ? `; Go ${formatGoVersion(lint.goVersion)}` : ''}`;
    const configFiles = [...this.projectConfigs.values()].flatMap((r) => (r.config ? [r.config.path] : []));
    const perFolder = [...lints].filter(([folder]) => folder === '' || this.projectConfigs.get(folder)?.config).map(([folder, lint]) => describe(folder, lint));
    const effective = `Go Concurrency Lint ${version}: ${settings.enable ? 'enabled' : 'disabled (goConcurrencyLint.enable is false)'}; ${perFolder.join('; ')}; configuration files: ${configFiles.join(', ') || 'none'}; settings: ${JSON.stringify({ ...settings, rules })}`;
    if (effective !== this.loggedSettings) this.connection.console.info(effective);
    this.loggedSettings = effective;
  }

  /** Reads each workspace folder's .go-concurrency-lint.json. */
  private readProjectConfigs(): void {
    this.projectConfigs.clear();
    for (const folder of this.folders) this.projectConfigs.set(folder, readProjectConfigIn(folder));
  }

  /** A project configuration file changed (or a folder came or went): lint again with the new rules. */
  private projectConfigsChanged(): void {
    const before = JSON.stringify([...this.folderLints].map(([folder, lint]) => [folder, lint.config, lint.exclude, lint.goVersion]));
    this.readProjectConfigs();
    this.applySettings(this.settings);
    const after = JSON.stringify([...this.folderLints].map(([folder, lint]) => [folder, lint.config, lint.exclude, lint.goVersion]));
    if (before === after) return;
    for (const uri of this.documents.keys()) void this.lintNow(uri);
    if (this.scan.active) void this.scanInBackground();
  }

  /** The lint of a workspace folder (its project configuration under the settings). */
  private folderLint(folder: string): FolderLint {
    return this.folderLints.get(folder) ?? this.folderLints.get('')!;
  }

  /** The lint of the file at `path`: its innermost workspace folder's. */
  private lintFor(path: string): FolderLint {
    let found = '';
    for (const folder of this.folders) {
      if (folder.length > found.length && (path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep))) found = folder;
    }
    return this.folderLint(found);
  }

  private async executeCommand(params: ExecuteCommandParams, token: CancellationToken): Promise<ScanSummary | null> {
    if (params.command === SHOW_DOCUMENTATION_COMMAND) {
      const ruleId = params.arguments?.[0];
      if (typeof ruleId !== 'string' || !/^[a-z0-9-]+$/.test(ruleId)) throw new ResponseError(ErrorCodes.InvalidParams, `${SHOW_DOCUMENTATION_COMMAND} needs a rule id as its argument`);
      await this.connection.window.showDocument({ uri: docUrl(ruleId), external: true }).catch(() => this.tell(MessageType.Info, `The documentation of ${ruleId}: ${docUrl(ruleId)}`));
      return null;
    }
    if (params.command !== SCAN_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command "${params.command}" (known: ${SCAN_COMMAND}, ${SHOW_DOCUMENTATION_COMMAND})`);
    if (!this.settings.enable) throw new ResponseError(ErrorCodes.InvalidRequest, 'Go Concurrency Lint is disabled (goConcurrencyLint.enable is false)');
    if (this.folders.length === 0) throw new ResponseError(ErrorCodes.InvalidRequest, 'there is no workspace folder to scan: open a folder first');
    const progress = params.workDoneToken !== undefined ? this.clientProgress(params.workDoneToken) : await this.createProgress();
    try {
      return await this.scan.run(this.folders, this.reportingStatus(progress), token);
    } catch (error) {
      this.scanFailed(error);
      throw new ResponseError(ErrorCodes.InternalError, `${(error as Error).message}. The output channel has the details.`);
    }
  }

  /** A scan the user did not ask for right now (at startup, after a settings change), with progress the server creates. */
  private async scanInBackground(): Promise<void> {
    if (this.folders.length === 0) return;
    try {
      await this.scan.run(this.folders, this.reportingStatus(await this.createProgress()), CancellationToken.None);
    } catch (error) {
      this.scanFailed(error);
      this.tell(MessageType.Error, `Go Concurrency Lint: ${(error as Error).message}. Run "Scan Workspace" to try again; the output channel has the details.`);
    }
  }

  private scanFailed(error: unknown): void {
    const cause = (error as Error)?.cause ?? error;
    this.connection.console.error(`${(error as Error)?.message ?? error}: ${String((cause as Error)?.stack ?? cause)}`);
    this.sendStatus({ state: 'scanFailed', message: (error as Error)?.message ?? String(error) });
  }

  /** The state the client shows in its status item: ready, scanning (with progress), a scan failed, disabled. */
  private sendStatus(status: ServerStatus): void {
    void this.connection.sendNotification(STATUS_NOTIFICATION, status);
  }

  /** Scan progress, also sent as status notifications. */
  private reportingStatus(progress: ScanProgress): ScanProgress {
    return {
      begin: (title, message) => {
        progress.begin(title, message);
        this.sendStatus({ state: 'scanning', percentage: 0, message });
      },
      report: (percentage, message) => {
        progress.report(percentage, message);
        this.sendStatus({ state: 'scanning', percentage, message });
      },
      done: () => {
        progress.done();
        this.sendStatus(this.settings.enable ? { state: 'ready' } : { state: 'disabled' });
      },
      get cancelled() {
        return progress.cancelled;
      },
    };
  }

  /** Progress reported on the token the client sent with its request; the client cancels by cancelling the request. */
  private clientProgress(token: ProgressToken): ScanProgress {
    const send = (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void this.connection.sendProgress(WorkDoneProgress.type, token, value);
    return {
      begin: (title, message) => send({ kind: 'begin', title, message, percentage: 0, cancellable: true }),
      report: (percentage, message) => send({ kind: 'report', percentage, message }),
      done: () => send({ kind: 'end' }),
      cancelled: false,
    };
  }

  /** Progress the server creates (window/workDoneProgress/create), cancelled with window/workDoneProgress/cancel. */
  private async createProgress(): Promise<ScanProgress> {
    const reporter = this.serverProgress ? await this.connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    return {
      begin: (title, message) => reporter?.begin(title, 0, message, true),
      report: (percentage, message) => reporter?.report(percentage, message),
      done: () => reporter?.done(),
      get cancelled() {
        return !!reporter?.token.isCancellationRequested;
      },
    };
  }

  private async configurationChanged(pushed: unknown): Promise<void> {
    let raw = pushed;
    if (this.pullConfiguration) {
      try {
        raw = await this.connection.workspace.getConfiguration('goConcurrencyLint');
      } catch {
        raw = pushed;
      }
    }
    if (raw === undefined || raw === null) return;
    const before = JSON.stringify(this.scanRelevant(this.settings));
    this.applySettings(readSettings(raw));
    for (const uri of this.documents.keys()) void this.lintNow(uri);
    this.sendStatus(this.settings.enable ? { state: 'ready' } : { state: 'disabled' });
    // Closed files' diagnostics came from the old rules or excludes.
    if (this.scan.active && JSON.stringify(this.scanRelevant(this.settings)) !== before) void this.scanInBackground();
  }

  private scanRelevant(settings: Settings): unknown {
    return [settings.enable, settings.rules, settings.exclude, settings.maxFileSize, settings.goVersion, settings.reportUnusedSuppressions];
  }

  private close(uri: string): void {
    clearImmediate(this.starting.get(uri));
    this.starting.delete(uri);
    this.documents.get(uri)?.close();
    this.documents.delete(uri);
    this.linted.delete(uri);
    this.memos.delete(uri);
    this.toldTooLarge.delete(uri);
    this.toldStopped.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    // After a workspace scan, a closed file shows what its text on disk has.
    if (uri.startsWith('file:')) void this.scan.closed(fileUriToPath(uri));
  }

  /**
   * Lints after a change: at once when no lint of the document is running
   * (after the messages already queued, so a burst that arrived together is
   * one lint); while one runs, the changes that arrive make one follow-up
   * lint when it ends. A running lint whose version is outdated stops at its
   * next slice and publishes nothing, so the follow-up comes soon.
   */
  private schedule(uri: string): void {
    const running = this.linting.get(uri);
    if (running) {
      running.again = true;
      return;
    }
    if (this.starting.has(uri)) return;
    this.starting.set(
      uri,
      setImmediate(() => {
        this.starting.delete(uri);
        void this.lintCoalesced(uri);
      }),
    );
  }

  private async lintCoalesced(uri: string): Promise<void> {
    const state = { again: false };
    this.linting.set(uri, state);
    try {
      await this.lintNow(uri);
    } finally {
      this.linting.delete(uri);
    }
    if (state.again && this.documents.has(uri)) this.schedule(uri);
  }

  /** Other open files of the same package can gain or lose findings (a field read here, say). */
  private scheduleSiblings(uri: string): void {
    const dir = dirname(fileUriToPath(uri));
    for (const other of this.documents.keys()) if (other !== uri && dirname(fileUriToPath(other)) === dir) this.schedule(other);
  }

  /**
   * Lints the current version and publishes it. Parse and lint run in
   * slices, so other documents and requests go on meanwhile. When the
   * document changes (or closes, or the settings change) before the end,
   * nothing is published: the newer state has its own lint scheduled.
   */
  private async lintNow(uri: string): Promise<void> {
    const document = this.documents.get(uri);
    if (!document) return;
    const { version: documentVersion, text } = document;
    let findings: Finding[] = [];
    if (this.settings.enable && this.withinSizeLimit(uri, text)) {
      // A newer version, a closed document or changed settings: this lint's result is not wanted.
      const rules = this.lintFor(fileUriToPath(uri)).rules;
      try {
        const parsed = await document.parse(PARSE_SLICE_MS);
        const stale = () => this.documents.get(uri) !== document || document.version !== documentVersion || this.lintFor(fileUriToPath(uri)).rules !== rules;
        if (!parsed || stale()) return;
        // The lint runs in slices; edits meanwhile change the document's tree, never this copy.
        const tree = parsed.copy();
        let result;
        try {
          const path = fileUriToPath(uri);
          const reuse = { previous: this.memos.get(uri), siblings: this.analyzer.packages.siblingTexts(path) };
          result = await this.analyzer.lintTreeInSlices(path, text, tree, rules, { sliceMs: LINT_SLICE_MS, stale, reportUnusedSuppressions: this.settings.reportUnusedSuppressions, reuse });
        } finally {
          tree.delete();
        }
        if (!result) return;
        if (result.memo) this.memos.set(uri, result.memo);
        else this.memos.delete(uri);
        findings = result.findings;
        for (const failure of result.failures) this.ruleFailed(uri, failure.ruleId, failure.error);
        if (result.stopped) this.lintStopped(uri, describeStop(text, result.stopped));
      } catch (error) {
        this.connection.console.error(`linting ${uri} failed: ${String((error as Error)?.stack ?? error)}`);
        document.freeTree();
      }
    }
    const lines = new LineIndex(text);
    this.linted.set(uri, { version: documentVersion, lines, findings });
    void this.connection.sendDiagnostics({ uri, version: documentVersion, diagnostics: findings.map((f) => toDiagnostic(uri, lines, f)) });
  }

  /** Files over goConcurrencyLint.maxFileSize are not linted; the user is told once per file. */
  private malformed(method: string, params: unknown): void {
    this.connection.console.error(`ignored a malformed ${method} notification: ${JSON.stringify(params)?.slice(0, 200)}`);
  }

  /**
   * A message for the user, as a notification: `window/showMessage` needs no
   * answer, where the request form fails (and must be handled) in a client
   * that does not implement it.
   */
  private tell(type: MessageType, message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /** A rule threw: its findings for the file are missing. Logged each time, told once per rule. */
  private ruleFailed(uri: string, ruleId: string, error: unknown): void {
    this.connection.console.error(`rule ${ruleId} failed on ${uri}, its findings there are missing: ${String((error as Error)?.stack ?? error)}`);
    if (this.toldFailed.has(ruleId)) return;
    this.toldFailed.add(ruleId);
    this.tell(MessageType.Warning, `Go Concurrency Lint: the rule ${ruleId} failed on ${basename(fileUriToPath(uri))}, so its findings there are missing. The output channel has the details; please report it.`);
  }

  /** The lint of an open file ran out of its time budget: logged each time, told once per file. */
  private lintStopped(uri: string, why: string): void {
    this.connection.console.error(`${uri}: ${why}`);
    if (this.toldStopped.has(uri)) return;
    this.toldStopped.add(uri);
    this.tell(MessageType.Warning, `Go Concurrency Lint: ${basename(fileUriToPath(uri))}: ${why}`);
  }

  private withinSizeLimit(uri: string, text: string): boolean {
    // Bytes are at least UTF-16 code units and at most three times as many.
    const limit = this.settings.maxFileSize;
    if (text.length <= limit / 3 || (text.length <= limit && Buffer.byteLength(text) <= limit)) return true;
    if (!this.toldTooLarge.has(uri)) {
      this.toldTooLarge.add(uri);
      const size = Buffer.byteLength(text);
      this.tell(MessageType.Info, `Go Concurrency Lint: ${basename(fileUriToPath(uri))} is not linted: ${size} bytes is over goConcurrencyLint.maxFileSize (${limit} bytes).`);
    }
    return false;
  }

  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const uri = params.textDocument.uri;
    const document = this.documents.get(uri);
    if (!document) return [];
    // Linting on save: no lint for a request; fixes for an outdated lint would not apply, so there are none until the save.
    if (this.linted.get(uri)?.version !== document.version && this.settings.run !== 'onSave') await this.lintNow(uri);
    const linted = this.linted.get(uri);
    // The document changed again meanwhile: the editor asks again for the new version.
    if (!linted || linted.version !== document.version || linted.findings.length === 0) return [];
    const tree = await document.parse(PARSE_SLICE_MS);
    if (!tree || document.version !== linted.version) return [];
    return codeActions({ uri, version: linted.version, text: document.text, lines: linted.lines, root: tree.rootNode, findings: linted.findings }, params.range, params.context.only, this.clientCommands);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(p: unknown): p is Position {
  return Number.isInteger((p as Position)?.line) && Number.isInteger((p as Position)?.character);
}

function isRange(range: unknown): boolean {
  return isObject(range) && isPosition(range.start) && isPosition(range.end);
}

/** Each change has a string `text`, and a `range` (when there is one) of four numbers. */
function validChanges(changes: unknown): changes is TextDocumentContentChangeEvent[] {
  return (
    Array.isArray(changes) &&
    changes.every((c) => typeof c?.text === 'string' && (!('range' in c) || c.range === undefined || (isPosition(c.range?.start) && isPosition(c.range?.end))))
  );
}
