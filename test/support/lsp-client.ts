// A minimal LSP client for protocol tests: starts the built dist/server.js
// over stdio and speaks JSON-RPC to it, recording every published diagnostic.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

export const SERVER = resolve(__dirname, '../../dist/server.js');

export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  /** Every `window/showMessage` text shown to the user. */
  readonly shown: string[] = [];
  /** Every capability the server registered dynamically. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** Every goConcurrencyLint/status notification (the client's status item), in order. */
  readonly statuses: { state: string; percentage?: number; message?: string }[] = [];
  /** Every `$/progress` notification, in order. */
  readonly progress: { token: string | number; value: { kind: string; percentage?: number; message?: string } }[] = [];
  private readonly waiters: { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

  private constructor(readonly process: ChildProcess, readonly connection: ProtocolConnection) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    connection.onNotification('window/showMessage', (params: { message: string }) => {
      this.shown.push(params.message);
    });
    connection.onNotification('$/progress', (params: TestClient['progress'][number]) => {
      this.progress.push(params);
    });
    connection.onNotification('goConcurrencyLint/status', (params: TestClient['statuses'][number]) => {
      this.statuses.push(params);
    });
    connection.onRequest('workspace/configuration', () => [null]);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('client/registerCapability', (params: { registrations: TestClient['registrations'] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
  }

  /** A started server that has not been sent `initialize` yet. */
  static spawn(env: NodeJS.ProcessEnv = {}): TestClient {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection);
    connection.listen();
    return client;
  }

  static async start(initializationOptions: unknown = undefined, capabilities: object = {}, workspaceFolders: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<TestClient> {
    const client = TestClient.spawn(env);
    const connection = client.connection;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions,
      workspaceFolders: workspaceFolders.map((path) => ({ uri: pathToFileURL(path).href, name: path })),
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
  }

  /** Waits for a publishDiagnostics that satisfies `test` (or the next one for `uri`). */
  diagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.published.map((p) => [p.version, p.diagnostics.length]))}`)), timeoutMs);
      this.waiters.push({
        test: (p) => p.uri === uri && test(p),
        resolve: (p) => {
          clearTimeout(timer);
          resolvePromise(p);
        },
      });
    });
  }

  async stop(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((r) => this.process.once('exit', (code) => r(code)));
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}
