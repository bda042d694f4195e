// The VS Code side of Go Concurrency Lint: a thin language client.
//
// All the linting happens in the language server (dist/server.js), which runs
// as a separate Node process and talks LSP over IPC. This file only starts
// and stops that process, forwards settings, and contributes three commands;
// "Scan Workspace" only shows the server's progress in a notification that
// can be cancelled. Nothing from the workspace is ever executed, which is why the
// extension is safe in Restricted Mode (untrusted workspaces).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
  WorkDoneProgress,
} from 'vscode-languageclient/node';

const SECTION = 'goConcurrencyLint';
const NAME = 'Go Concurrency Lint';
/** The server's command (workspace/executeCommand); the client's own is `goConcurrencyLint.scanWorkspace`. */
const SERVER_SCAN_COMMAND = 'go-concurrency-lint.scanWorkspace';

/** The server's answer to the scan command. */
interface ScanSummary {
  files: number;
  scanned: number;
  findings: number;
  milliseconds: number;
  cancelled: boolean;
}

let client: LanguageClient | undefined;
let outputChannel: vscode.LogOutputChannel | undefined;
/** Serialises start/stop so that quick setting flips cannot interleave. */
let pending: Promise<void> = Promise.resolve();

function enabled(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('enable', true);
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'untitled', language: 'go' },
    ],
    // The server registers its own file watchers (**/*.go, **/go.mod).
    synchronize: { configurationSection: SECTION },
    // Findings of the workspace scan are cached in the extension's storage.
    initializationOptions: { cacheDirectory: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'findings-cache').fsPath },
    // Messages and the trace (goConcurrencyLint.trace.server) go here.
    outputChannel,
  };

  return new LanguageClient(SECTION, NAME, serverOptions, clientOptions);
}

function startClient(context: vscode.ExtensionContext): Promise<void> {
  pending = pending.then(async () => {
    if (client || !enabled()) return;
    const c = createClient(context);
    client = c;
    outputChannel?.info(`Starting the language server (${context.asAbsolutePath('dist/server.js')}).`);
    try {
      await c.start();
      outputChannel?.info('The language server is running.');
    } catch (err) {
      client = undefined;
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
  outputChannel = vscode.window.createOutputChannel(NAME, { log: true });
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand(`${SECTION}.restartServer`, async () => {
      await stopClient();
      if (!enabled()) {
        void vscode.window.showInformationMessage(`${NAME} is disabled (goConcurrencyLint.enable is false).`);
        return;
      }
      await startClient(context);
    }),
    vscode.commands.registerCommand(`${SECTION}.showOutput`, () => {
      outputChannel?.show(true);
    }),
    vscode.commands.registerCommand(`${SECTION}.scanWorkspace`, () => scanWorkspace()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${SECTION}.enable`)) return;
      if (enabled()) void startClient(context);
      else void stopClient();
    }),
  );

  await startClient(context);
}

/**
 * Asks the server to scan every Go file of the workspace, with its progress
 * in a notification whose Cancel button cancels the request. The server
 * writes the summary (findings per rule, time) to the output channel.
 */
async function scanWorkspace(): Promise<ScanSummary | undefined> {
  const c = client;
  if (!c) {
    void vscode.window.showWarningMessage(`${NAME} is not running (goConcurrencyLint.enable is false, or the server failed to start).`);
    return undefined;
  }
  const token = randomUUID();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${NAME}: scanning the workspace`, cancellable: true },
    async (progress, cancellation) => {
      let reported = 0;
      const listener = c.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'end') return;
        const percentage = value.percentage ?? reported;
        progress.report({ message: value.message, increment: percentage - reported });
        reported = percentage;
      });
      try {
        const summary = (await c.sendRequest(ExecuteCommandRequest.type, { command: SERVER_SCAN_COMMAND, arguments: [], workDoneToken: token }, cancellation)) as ScanSummary;
        const seconds = (summary.milliseconds / 1000).toFixed(1);
        const text = summary.cancelled
          ? `Scan cancelled after ${summary.scanned} of ${summary.files} files.`
          : `Scanned ${summary.files} Go files in ${seconds} s: ${summary.findings} finding${summary.findings === 1 ? '' : 's'}.`;
        void vscode.window.showInformationMessage(`${NAME}: ${text}`, 'Show Output').then((choice) => choice && outputChannel?.show(true));
        return summary;
      } catch (err) {
        if (cancellation.isCancellationRequested) return undefined;
        void vscode.window.showErrorMessage(`${NAME}: the scan failed: ${(err as Error).message ?? String(err)}`);
        return undefined;
      } finally {
        listener.dispose();
      }
    },
  );
}

export function deactivate(): Thenable<void> | undefined {
  if (!client) return undefined;
  return stopClient();
}
