// Entry of the language server: `node dist/server.js --stdio` for any editor,
// or started by the VS Code client over Node IPC (--node-ipc).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { Server } from './server';

const connection = createConnection(ProposedFeatures.all);
new Server(connection);
// A promise nobody awaited must not end the process and every open document's diagnostics with it: log it.
process.on('unhandledRejection', (reason) => connection.console.error(`internal error (the server goes on): ${String((reason as Error)?.stack ?? reason)}`));
// A crash says why before the process ends: stderr reaches the client's output channel, and the client restarts the server.
process.on('uncaughtException', (error) => {
  process.stderr.write(`go-concurrency-lint server crashed: ${String(error?.stack ?? error)}\n`);
  process.exit(1);
});
connection.listen();
