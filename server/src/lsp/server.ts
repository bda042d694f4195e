// The language server: incremental document sync, debounced diagnostics that
// are never published for a stale version, quick fixes, and "fix all".
import {
  CodeAction,
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  type CodeActionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../../package.json';
import { diskReader } from '../engine/package';
import { Analyzer } from '../linter/analyzer';
import type { ActiveRule } from '../linter/config';
import { preferredEdits } from '../linter/fixes';
import { LineIndex } from '../linter/positions';
import type { Finding } from '../ruleapi/rule';
import { FIX_ALL_KIND, fileUriToPath, rangesIntersect, SOURCE, toDiagnostic, toQuickFixes, toRange, toTextEdits } from './convert';
import { OpenDocument } from './documents';
import { DEFAULT_SETTINGS, readSettings, rulesFor, type Settings } from './settings';

/** Delay between the last keystroke and the lint, as editors' linters do. */
export const DEBOUNCE_MS = 150;

interface Linted {
  version: number;
  lines: LineIndex;
  findings: Finding[];
}

export class Server {
  private analyzer!: Analyzer;
  private readonly documents = new Map<string, OpenDocument>();
  private readonly linted = new Map<string, Linted>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastChange = new Map<string, number>();
  private settings: Settings = DEFAULT_SETTINGS;
  private rules: ActiveRule[] = [];
  private pullConfiguration = false;

  constructor(private readonly connection: Connection) {
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => this.initialized());
    connection.onDidOpenTextDocument(({ textDocument: d }) => {
      this.documents.set(d.uri, new OpenDocument(TextDocument.create(d.uri, d.languageId, d.version, d.text)));
      this.lintNow(d.uri);
    });
    connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
      const document = this.documents.get(textDocument.uri);
      if (!document) return;
      document.applyChanges(contentChanges, textDocument.version);
      this.schedule(textDocument.uri);
      this.scheduleSiblings(textDocument.uri);
    });
    connection.onDidCloseTextDocument(({ textDocument }) => this.close(textDocument.uri));
    connection.onDidChangeConfiguration(({ settings }) => this.configurationChanged(settings));
    connection.onDidChangeWatchedFiles(({ changes }) => {
      for (const change of changes) {
        const path = fileUriToPath(change.uri);
        this.analyzer.packages.forget(path);
        if (basename(path) === 'go.mod') {
          // The Go version of every open file below it may have changed.
          this.analyzer.goModules.forget();
          for (const uri of this.documents.keys()) this.schedule(uri);
        }
        this.scheduleSiblings(change.uri);
      }
    });
    connection.onCodeAction((params) => this.codeActions(params));
    connection.onShutdown(() => {
      for (const timer of this.timers.values()) clearTimeout(timer);
      for (const document of this.documents.values()) document.freeTree();
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
    this.pullConfiguration = !!params.capabilities.workspace?.configuration;
    this.settings = readSettings(params.initializationOptions);
    this.rules = rulesFor(this.settings, (m) => this.connection.window.showWarningMessage(m));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: SOURCE, version },
    };
  }

  private async initialized(): Promise<void> {
    if (!this.pullConfiguration) return;
    void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'goConcurrencyLint' }).catch(() => undefined);
    await this.configurationChanged(undefined);
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
    this.settings = readSettings(raw);
    this.rules = rulesFor(this.settings, (m) => this.connection.window.showWarningMessage(m));
    for (const uri of this.documents.keys()) this.lintNow(uri);
  }

  private close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.documents.get(uri)?.freeTree();
    this.documents.delete(uri);
    this.linted.delete(uri);
    this.lastChange.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * Lints soon after a change: at once (after the messages already queued)
   * when the document had been quiet for DEBOUNCE_MS, else DEBOUNCE_MS after
   * the last change of a burst, so typing is not linted keystroke by keystroke.
   */
  private schedule(uri: string): void {
    const now = Date.now();
    const quiet = now - (this.lastChange.get(uri) ?? 0) > DEBOUNCE_MS;
    this.lastChange.set(uri, now);
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(
        () => {
          this.timers.delete(uri);
          this.lintNow(uri);
        },
        quiet ? 0 : DEBOUNCE_MS,
      ),
    );
  }

  /** Other open files of the same package can gain or lose findings (a field read here, say). */
  private scheduleSiblings(uri: string): void {
    const dir = dirname(fileUriToPath(uri));
    for (const other of this.documents.keys()) if (other !== uri && dirname(fileUriToPath(other)) === dir) this.schedule(other);
  }

  /** Lints the current version and publishes it; a newer version is linted from scratch later. */
  private lintNow(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    const { version: documentVersion, text } = document;
    let findings: Finding[] = [];
    if (this.settings.enable) {
      try {
        const result = this.analyzer.lintTree(fileUriToPath(uri), text, document.parse(this.analyzer.parser), this.rules);
        findings = result.findings;
        for (const failure of result.failures) this.connection.console.error(`${failure.ruleId} failed on ${uri}: ${String((failure.error as Error)?.stack ?? failure.error)}`);
      } catch (error) {
        this.connection.console.error(`linting ${uri} failed: ${String((error as Error)?.stack ?? error)}`);
        document.freeTree();
      }
    }
    const lines = new LineIndex(text);
    this.linted.set(uri, { version: documentVersion, lines, findings });
    void this.connection.sendDiagnostics({ uri, version: documentVersion, diagnostics: findings.map((f) => toDiagnostic(uri, lines, f)) });
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const uri = params.textDocument.uri;
    const document = this.documents.get(uri);
    if (!document) return [];
    if (this.linted.get(uri)?.version !== document.version) this.lintNow(uri);
    const linted = this.linted.get(uri)!;
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const finding of linted.findings) {
        if (rangesIntersect(toRange(linted.lines, finding), params.range)) actions.push(...toQuickFixes(uri, linted.version, linted.lines, finding));
      }
    }
    if (only && wants(FIX_ALL_KIND)) {
      const edits = preferredEdits(linted.findings);
      if (edits.length) {
        actions.push({
          title: 'Fix all Go concurrency problems',
          kind: FIX_ALL_KIND,
          edit: { documentChanges: [{ textDocument: { uri, version: linted.version }, edits: toTextEdits(linted.lines, { edits }) }] },
        });
      }
    }
    return actions;
  }
}
