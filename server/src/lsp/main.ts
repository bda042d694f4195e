// Entry of the language server: `node dist/server.js --stdio` for any editor,
// or started by the VS Code client over Node IPC (--node-ipc).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { Server } from './server';

const connection = createConnection(ProposedFeatures.all);
new Server(connection);
connection.listen();
