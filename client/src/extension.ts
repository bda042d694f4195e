// The VS Code side of Go Concurrency Lint: a thin language client.
//
// All the linting happens in the language server (dist/server.js), which runs
// as a separate Node process and talks LSP over IPC. This file only starts
// and stops that process, forwards settings and file events, and contributes
// two commands. Nothing from the workspace is ever executed, which is why the
// extension is safe in Restricted Mode (untrusted workspaces).
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

const SECTION = 'goConcurrencyLint';
const NAME = 'Go Concurrency Lint';

let client: LanguageClient | undefined;
let outputChannel: vscode.LogOutputChannel | undefined;
let fileWatchers: vscode.FileSystemWatcher[] = [];
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
    synchronize: {
      configurationSection: SECTION,
      // Tell the server when Go files or go.mod change on disk (the server
      // reads a package's sibling files from disk).
      fileEvents: fileWatchers,
    },
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
  fileWatchers = [
    vscode.workspace.createFileSystemWatcher('**/*.go'),
    vscode.workspace.createFileSystemWatcher('**/go.mod'),
  ];
  context.subscriptions.push(outputChannel, ...fileWatchers);

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
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${SECTION}.enable`)) return;
      if (enabled()) void startClient(context);
      else void stopClient();
    }),
  );

  await startClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  if (!client) return undefined;
  return stopClient();
}
