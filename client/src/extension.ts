// The VS Code side of Go Concurrency Lint: a thin language client.
//
// All the linting happens in the language server (dist/server.js), which runs
// as a separate Node process and talks LSP over IPC. This file starts and
// stops that process, forwards settings, shows the server's state in a
// language status item, opens the rule documentation shipped in the
// extension (offline, as a Markdown preview), hides our squiggle where gopls
// already shows the same problem, and contributes the commands. Nothing from
// the workspace is ever executed, which is why the extension is safe in
// Restricted Mode (untrusted workspaces).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  type CloseHandlerResult,
  CloseAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
  WorkDoneProgress,
} from 'vscode-languageclient/node';
import { withoutDuplicates } from './gopls-duplicates';

const SECTION = 'goConcurrencyLint';
const NAME = 'Go Concurrency Lint';
const SOURCE = 'go-concurrency-lint';
/** The server's command (workspace/executeCommand); the client's own is `goConcurrencyLint.scanWorkspace`. */
const SERVER_SCAN_COMMAND = 'go-concurrency-lint.scanWorkspace';
const SHOW_DOCUMENTATION = `${SECTION}.showDocumentation`;
const SELECT_RANGE = `${SECTION}.selectRange`;
/** The server's state notification (see server/src/lsp/server.ts). */
const STATUS_NOTIFICATION = 'goConcurrencyLint/status';
/** Restarts after crashes allowed in RESTART_WINDOW_MS before giving up (as vscode-languageclient's default). */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** The server's answer to the scan command. */
interface ScanSummary {
  files: number;
  scanned: number;
  findings: number;
  findingsByRule: Record<string, number>;
  hints?: number;
  milliseconds: number;
  cancelled: boolean;
}

type ServerStatus = { state: 'ready' | 'disabled' } | { state: 'scanning'; percentage: number; message: string } | { state: 'scanFailed'; message: string };

/** The path of the documentation links handled by this extension's URI handler. */
const DOCUMENTATION_PATH = '/documentation';

let client: LanguageClient | undefined;
/** This extension's id (publisher.name), the authority of its documentation links. */
let extensionId: string | undefined;
let outputChannel: vscode.LogOutputChannel | undefined;
let status: vscode.LanguageStatusItem | undefined;
let serverStatus: ServerStatus | { state: 'starting' | 'stopped' | 'failed' } = { state: 'starting' };
/** A scan ran in this window: its results for closed files come back (from the cache) after a restart. */
let scanned = false;
/** Our diagnostics as the server sent them, per document, before gopls duplicates are hidden. */
const received = new Map<string, vscode.Diagnostic[]>();
/** Serialises start/stop so that quick setting flips cannot interleave. */
let pending: Promise<void> = Promise.resolve();

function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function enabled(): boolean {
  return configuration().get<boolean>('enable', true);
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'untitled', language: 'go' },
    ],
    // The server registers its own file watchers (**/*.go, **/go.mod, **/.go-concurrency-lint.json).
    synchronize: { configurationSection: SECTION },
    initializationOptions: {
      // Findings of the workspace scan are cached in the extension's storage.
      cacheDirectory: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'findings-cache').fsPath,
      // The code actions use these: the documentation opens offline, the cursor lands on a new suppression's reason.
      clientCommands: { showDocumentation: SHOW_DOCUMENTATION, selectRange: SELECT_RANGE },
    },
    // Messages and the trace (goConcurrencyLint.trace.server) go here.
    outputChannel,
    errorHandler: crashHandler(),
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        for (const diagnostic of diagnostics) linkDocumentation(diagnostic);
        received.set(uri.toString(), diagnostics);
        next(uri, shown(uri, diagnostics));
      },
    },
  };
  return new LanguageClient(SECTION, NAME, serverOptions, clientOptions);
}

/** Restarts a crashed server (at most MAX_RESTARTS times in RESTART_WINDOW_MS), saying so in the log. */
function crashHandler(): ErrorHandler {
  const restarts: number[] = [];
  return {
    error: (error, message, count): ErrorHandlerResult => {
      outputChannel?.error(`Connection to the language server failed: ${error.message}${message ? ` (${message.jsonrpc})` : ''}.`);
      return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
    },
    closed: (): CloseHandlerResult => {
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length <= MAX_RESTARTS) {
        outputChannel?.error(`The language server stopped unexpectedly (its last messages are above); restarting it (${restarts.length} of ${MAX_RESTARTS} in 3 minutes).`);
        return { action: CloseAction.Restart, handled: true };
      }
      setStatus({ state: 'failed' });
      const message = `${NAME}: the language server stopped ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted. See the output channel, then run "Restart Server".`;
      outputChannel?.error(message);
      return { action: CloseAction.DoNotRestart, message };
    },
  };
}

/**
 * The rule's code links to its page shipped in the extension, opened in VS
 * Code (offline), rather than the web page. The link is a URI of VS Code's own
 * scheme for this extension, which VS Code hands to its URI handler (the hover
 * and the Problems panel open links without running `command:` URIs).
 */
function linkDocumentation(diagnostic: vscode.Diagnostic): void {
  const code = diagnostic.code;
  if (diagnostic.source !== SOURCE || typeof code !== 'object' || code === null || !extensionId) return;
  const target = vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: extensionId, path: DOCUMENTATION_PATH, query: `rule=${encodeURIComponent(String(code.value))}` });
  diagnostic.code = { value: code.value, target };
}

/** Our diagnostics less those gopls already shows at the same place (goConcurrencyLint.deduplicateWithGopls). */
function shown(uri: vscode.Uri, ours: vscode.Diagnostic[]): vscode.Diagnostic[] {
  if (!configuration().get<boolean>('deduplicateWithGopls', true)) return ours;
  const others = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== SOURCE);
  const withPeers = ours.map((d) => ({ diagnostic: d, range: d.range, peers: ((d as { data?: { peers?: string[] } }).data?.peers) ?? [] }));
  return withoutDuplicates(withPeers, others.map((d) => ({ range: d.range, source: d.source, code: d.code as string | number | { value: string | number } | undefined }))).map((d) => d.diagnostic);
}

/** gopls published or withdrew diagnostics: show or hide ours again where it matters. */
function refreshShown(uris: readonly vscode.Uri[]): void {
  const collection = client?.diagnostics;
  if (!collection) return;
  for (const uri of uris) {
    const ours = received.get(uri.toString());
    if (!ours) continue;
    const next = shown(uri, ours);
    // Our own update fires this event too: only set what changed, or it would never end.
    if (next.length !== (collection.get(uri)?.length ?? 0)) collection.set(uri, next);
  }
}

function setStatus(next: typeof serverStatus): void {
  serverStatus = next;
  updateStatusItem();
}

function updateStatusItem(): void {
  if (!status) return;
  const editor = vscode.window.activeTextEditor;
  const findings = editor ? vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === SOURCE).length : 0;
  const inFile = editor?.document.languageId === 'go' ? ` · ${findings} finding${findings === 1 ? '' : 's'} in this file` : '';
  status.severity = vscode.LanguageStatusSeverity.Information;
  status.busy = false;
  switch (serverStatus.state) {
    case 'starting':
      status.text = `${NAME}: starting`;
      status.busy = true;
      break;
    case 'ready':
      status.text = `${NAME}: ready${inFile}`;
      break;
    case 'scanning':
      status.text = `${NAME}: scanning ${serverStatus.percentage}%`;
      status.busy = true;
      break;
    case 'scanFailed':
      status.text = `${NAME}: scan failed`;
      status.detail = serverStatus.message;
      status.severity = vscode.LanguageStatusSeverity.Warning;
      return;
    case 'disabled':
    case 'stopped':
      status.text = `${NAME}: off`;
      break;
    case 'failed':
      status.text = `${NAME}: stopped after crashes`;
      status.severity = vscode.LanguageStatusSeverity.Error;
      break;
  }
  status.detail = undefined;
}

function startClient(context: vscode.ExtensionContext): Promise<void> {
  pending = pending.then(async () => {
    if (client || !enabled()) return;
    const c = createClient(context);
    client = c;
    setStatus({ state: 'starting' });
    c.onNotification(STATUS_NOTIFICATION, (value: ServerStatus) => setStatus(value));
    c.onDidChangeState(({ newState }) => {
      if (newState === State.Starting) setStatus({ state: 'starting' });
    });
    outputChannel?.info(`Starting the language server (${context.asAbsolutePath('dist/server.js')}).`);
    try {
      await c.start();
      outputChannel?.info('The language server is running.');
    } catch (err) {
      client = undefined;
      setStatus({ state: 'failed' });
      outputChannel?.error(`Failed to start the server: ${String(err)}`);
      void vscode.window.showErrorMessage(`${NAME}: the language server failed to start. See the output channel.`);
    }
  });
  return pending;
}

function stopClient(): Promise<void> {
  pending = pending.then(async () => {
    const c = client;
    client = undefined;
    received.clear();
    setStatus({ state: 'stopped' });
    if (!c) return;
    try {
      await c.stop();
      outputChannel?.info('The language server has stopped.');
    } catch (err) {
      outputChannel?.warn(`Failed to stop the server cleanly: ${String(err)}`);
    }
  });
  return pending;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionId = context.extension.id;
  outputChannel = vscode.window.createOutputChannel(NAME, { log: true });
  status = vscode.languages.createLanguageStatusItem(`${SECTION}.status`, { language: 'go' });
  status.name = NAME;
  status.command = { title: 'Actions', command: `${SECTION}.statusActions`, tooltip: 'Show Output, Restart Server, Scan Workspace' };
  context.subscriptions.push(outputChannel, status);

  context.subscriptions.push(
    vscode.commands.registerCommand(`${SECTION}.restartServer`, () => restartServer(context)),
    vscode.commands.registerCommand(`${SECTION}.showOutput`, () => outputChannel?.show(true)),
    vscode.commands.registerCommand(`${SECTION}.scanWorkspace`, () => scanWorkspace(vscode.ProgressLocation.Notification)),
    vscode.commands.registerCommand(SHOW_DOCUMENTATION, (ruleId?: unknown) => showDocumentation(context, ruleId)),
    vscode.window.registerUriHandler({
      handleUri: (uri) => (uri.path === DOCUMENTATION_PATH ? showDocumentation(context, new URLSearchParams(uri.query).get('rule') ?? undefined) : undefined),
    }),
    vscode.commands.registerCommand(SELECT_RANGE, (uri: string, range: { start: vscode.Position; end: vscode.Position }) => selectRange(uri, range)),
    vscode.commands.registerCommand(`${SECTION}.statusActions`, async () => {
      const picked = await vscode.window.showQuickPick(['Show Output', 'Restart Server', 'Scan Workspace'], { title: NAME });
      if (picked) await vscode.commands.executeCommand(`${SECTION}.${picked === 'Show Output' ? 'showOutput' : picked === 'Restart Server' ? 'restartServer' : 'scanWorkspace'}`);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.deduplicateWithGopls`)) refreshShown([...received.keys()].map((u) => vscode.Uri.parse(u)));
      if (!e.affectsConfiguration(`${SECTION}.enable`)) return;
      if (enabled()) void startClient(context);
      else void stopClient();
    }),
    vscode.languages.onDidChangeDiagnostics((e) => {
      refreshShown(e.uris);
      updateStatusItem();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatusItem()),
  );

  await startClient(context);
}

async function restartServer(context: vscode.ExtensionContext): Promise<void> {
  if (!enabled()) {
    void vscode.window.showInformationMessage(`${NAME} is disabled (goConcurrencyLint.enable is false).`);
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `${NAME}: restarting the server` }, async () => {
    await stopClient();
    await startClient(context);
  });
  if (!client) return;
  void vscode.window.showInformationMessage(`${NAME}: the server restarted.`);
  // The scan's diagnostics of closed files went with the old server: they come back from the cache.
  if (scanned) await scanWorkspace(vscode.ProgressLocation.Window);
}

/** Opens the rule's page shipped in the extension as a Markdown preview (no network needed); asks for the rule when none is given. */
async function showDocumentation(context: vscode.ExtensionContext, ruleId: unknown): Promise<void> {
  let id = typeof ruleId === 'string' ? ruleId : undefined;
  if (!id) {
    const rules = ((context.extension.packageJSON as { contributes?: { configuration?: { properties?: Record<string, { properties?: Record<string, unknown> }> } } }).contributes?.configuration?.properties?.[`${SECTION}.rules`]?.properties) ?? {};
    id = await vscode.window.showQuickPick(Object.keys(rules), { title: `${NAME}: show the documentation of a rule` });
    if (!id) return;
  }
  if (!/^[a-z0-9-]+$/.test(id)) return;
  const page = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id}.md`);
  if (!existsSync(page.fsPath)) {
    void vscode.window.showWarningMessage(`${NAME}: there is no documentation for "${id}".`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', page);
}

/** Selects `range` in the editor of `uri` (the reason of a suppression just written, ready to be typed over). */
function selectRange(uri: string, range: { start: vscode.Position; end: vscode.Position }): void {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
  if (!editor) return;
  const selection = new vscode.Selection(range.start.line, range.start.character, range.end.line, range.end.character);
  editor.selection = selection;
  editor.revealRange(selection);
}

/**
 * Asks the server to scan every Go file of the workspace, with its progress
 * (in a notification whose Cancel button cancels the request, or in the
 * status bar). The server writes the summary to the output channel.
 */
async function scanWorkspace(location: vscode.ProgressLocation): Promise<ScanSummary | undefined> {
  const c = client;
  if (!c) {
    void vscode.window.showWarningMessage(`${NAME} is not running (goConcurrencyLint.enable is false, or the server failed to start).`);
    return undefined;
  }
  const token = randomUUID();
  return vscode.window.withProgress({ location, title: `${NAME}: scanning the workspace`, cancellable: true }, async (progress, cancellation) => {
    let reported = 0;
    const listener = c.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'end') return;
      const percentage = value.percentage ?? reported;
      progress.report({ message: value.message, increment: percentage - reported });
      reported = percentage;
    });
    try {
      const summary = (await c.sendRequest(ExecuteCommandRequest.type, { command: SERVER_SCAN_COMMAND, arguments: [], workDoneToken: token }, cancellation)) as ScanSummary;
      scanned = true;
      if (location === vscode.ProgressLocation.Notification) {
        void vscode.window.showInformationMessage(`${NAME}: ${describeScan(summary)}`, 'Show Output').then((choice) => choice && outputChannel?.show(true));
      }
      return summary;
    } catch (err) {
      if (cancellation.isCancellationRequested) return undefined;
      void vscode.window.showErrorMessage(`${NAME}: ${(err as Error).message ?? String(err)}`, 'Show Output').then((choice) => choice && outputChannel?.show(true));
      return undefined;
    } finally {
      listener.dispose();
    }
  });
}

/** The scan's result in one sentence; hints are counted apart, since the Problems panel does not list them. */
function describeScan(summary: ScanSummary): string {
  if (summary.cancelled) return `Scan cancelled after ${summary.scanned} of ${summary.files} files.`;
  const seconds = (summary.milliseconds / 1000).toFixed(1);
  const hints = summary.hints ?? 0;
  const problems = summary.findings - hints;
  const hintText = hints ? ` and ${hints} hint${hints === 1 ? '' : 's'} (shown in the editor, not in the Problems panel)` : '';
  return `Scanned ${summary.files} Go files in ${seconds} s: ${problems} problem${problems === 1 ? '' : 's'}${hintText}.`;
}

export function deactivate(): Thenable<void> | undefined {
  if (!client) return undefined;
  return stopClient();
}
