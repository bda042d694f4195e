// npm run bench: measures the CLI and the language server on Go's own source
// tree ($(go env GOROOT)/src) against references run in the same session,
// and prints a table. Needs Go (`apt-get install golang-go`) and a build;
// gopls (`apt-get install gopls`), when installed, answers the same edits.
// Options: --quick (fewer samples), --skip-vet (skip the slow go vet run).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver/node');

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const cli = join(root, 'dist/cli.js');
const server = join(root, 'dist/server.js');
const quick = process.argv.includes('--quick');
const skipVet = process.argv.includes('--skip-vet');

function goroot() {
  try {
    return execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  } catch {
    console.error('bench: Go is not installed (apt-get install golang-go)');
    process.exit(2);
  }
}

function time(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
  return { seconds, stdout: result.stdout, status: result.status };
}

/** True when `name` runs (gopls is measured beside our server only when installed). */
function hasCommand(name) {
  return spawnSync(name, ['version'], { stdio: 'ignore' }).status === 0;
}

/** Peak resident memory of a finished child, from /usr/bin/time when present. */
function timeWithMemory(command, args, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  if (r.error) return { ...time(command, args, options), peakMB: undefined };
  const [seconds, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, peakMB: kb / 1024, stdout: r.stdout, status: r.status };
}

function goFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['testdata', 'vendor', '.git', 'node_modules'].includes(entry.name)) goFiles(path, out);
    } else if (entry.name.endsWith('.go')) out.push(path);
  }
  return out;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const rows = [];
const row = (what, value, reference, note = '') => rows.push({ what, value, reference, note });
const fmt = (s) => `${s.toFixed(2)} s`;

// gofmt does not descend into a symbolic link given as the root (Debian's GOROOT/src is one).
const src = realpathSync(join(goroot(), 'src'));
const files = goFiles(src);
const lines = files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
console.error(`bench: ${src}: ${files.length} files, ${lines} lines (without testdata/ and vendor/), ${cpus().length} cores`);

// 1. Whole tree: gofmt -l versus the CLI, cold, and with a warm cache.
const gofmt = time('gofmt', ['-l', src]);
const cold = timeWithMemory(process.execPath, [cli, '--format', 'json', src]);
const cacheDir = mkdtempSync(join(tmpdir(), 'gcl-bench-cache-'));
time(process.execPath, [cli, '--format', 'json', '--cache', cacheDir, src]);
const warm = time(process.execPath, [cli, '--format', 'json', '--cache', cacheDir, src]);
rmSync(cacheDir, { recursive: true, force: true });
const oneJob = time(process.execPath, [cli, '--format', 'json', '--jobs', '1', src]);
const noSkip = quick ? undefined : time(process.execPath, [cli, '--format', 'json', '--no-skip', src]);
const same = [warm, oneJob, noSkip].filter(Boolean).every((r) => r.stdout === cold.stdout);
const findings = JSON.parse(cold.stdout).findings.length;
row('gofmt -l (reference)', fmt(gofmt.seconds), '1.00');
row('CLI, whole tree, cold', fmt(cold.seconds), (cold.seconds / gofmt.seconds).toFixed(2), `${findings} findings; peak ${cold.peakMB?.toFixed(0) ?? '?'} MB`);
row('CLI, whole tree, warm cache', fmt(warm.seconds), (warm.seconds / gofmt.seconds).toFixed(2));
row('CLI, whole tree, --jobs 1', fmt(oneJob.seconds), (oneJob.seconds / gofmt.seconds).toFixed(2));
if (noSkip) row('CLI, whole tree, --no-skip (every file parsed)', fmt(noSkip.seconds), (noSkip.seconds / gofmt.seconds).toFixed(2));
row('identical findings (jobs, skip, cache)', same ? 'yes' : 'NO', '');

// 2. Standard library packages: go vet -lostcancel std with an empty build cache.
if (!skipVet) {
  const gocache = mkdtempSync(join(tmpdir(), 'gcl-bench-gocache-'));
  const vet = time('go', ['vet', '-lostcancel', 'std'], { cwd: src, env: { ...process.env, GOCACHE: gocache, GOFLAGS: '' } });
  rmSync(gocache, { recursive: true, force: true });
  const stdDirs = readdirSync(src).filter((d) => d !== 'cmd' && statSync(join(src, d)).isDirectory()).map((d) => join(src, d));
  const ours = time(process.execPath, [cli, '--format', 'json', ...stdDirs]);
  row('go vet -lostcancel std, cold build cache (reference)', fmt(vet.seconds), '1.00');
  row('CLI, std packages (all rules)', fmt(ours.seconds), (ours.seconds / vet.seconds).toFixed(3), `${(vet.seconds / ours.seconds).toFixed(1)}x faster`);
}

// 3. Language server: change-to-diagnostics latency, memory across edits.
/** Starts a language server over stdio: ours, or gopls (`command`) on the same edits. */
async function startServer(folders = [], command = [process.execPath, server, '--stdio'], settings = null) {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    for (const w of [...waiters]) if (w.uri === p.uri && (w.version === p.version || (p.version === undefined && w.any))) waiters.splice(waiters.indexOf(w), 1) && w.resolve(p);
  });
  connection.onRequest('workspace/configuration', (p) => p.items.map(() => settings));
  // gopls asks for progress tokens and capability registrations: accept them all.
  connection.onRequest(() => null);
  connection.onNotification(() => {});
  connection.listen();
  const workspaceFolders = folders.map((f) => ({ uri: pathToFileURL(f).href, name: f }));
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: folders[0] ? pathToFileURL(folders[0]).href : null, capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } }, workspace: { configuration: true } }, workspaceFolders, initializationOptions: settings });
  await connection.sendNotification('initialized', {});
  // A server that publishes without versions (not ours) counts its first publication after the change.
  const published = (uri, version) => new Promise((resolve) => waiters.push({ uri, version, any: true, resolve }));
  const peakMB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  const rssMB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  const stop = async () => {
    await connection.sendRequest('shutdown').catch(() => {});
    await connection.sendNotification('exit').catch(() => {});
    child.kill();
  };
  return { child, connection, published, peakMB, rssMB, stop };
}

/** An edit that adds a discarded-cancel finding (and the context import when the file lacks it), and its undo. */
function findingEdit(text) {
  const lines = text.split('\n');
  const packageLine = lines.findIndex((l) => l.startsWith('package '));
  const hasContext = /^\s*(import\s+)?"context"$/m.test(text);
  const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const fn = '\nfunc benchLeak(p context.Context) { _, _ = context.WithCancel(p) }\n';
  const importLine = hasContext ? '' : 'import "context"\n';
  const add = [{ range: { start: end, end }, text: fn }];
  if (importLine) add.push({ range: { start: { line: packageLine + 1, character: 0 }, end: { line: packageLine + 1, character: 0 } }, text: importLine });
  const shift = importLine ? 1 : 0;
  const removeEnd = { line: end.line + shift + 2, character: 0 };
  const remove = [{ range: { start: { line: end.line + shift, character: end.character }, end: removeEnd }, text: '' }];
  if (importLine) remove.push({ range: { start: { line: packageLine + 1, character: 0 }, end: { line: packageLine + 2, character: 0 } }, text: '' });
  return { add, remove };
}

/**
 * An edit inside a function body, as typing makes: a statement with a
 * discarded-cancel finding added at the top of transport.go's roundTrip, and
 * its undo.
 */
function bodyEdit(text) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith('func (t *Transport) roundTrip(')) + 1;
  const at = { line, character: 0 };
  const add = [{ range: { start: at, end: at }, text: '\t_, _ = context.WithCancel(req.Context())\n' }];
  const remove = [{ range: { start: at, end: { line: line + 1, character: 0 } }, text: '' }];
  return { add, remove };
}

/** Change-to-diagnostics times: each change `pauseMs` after the previous diagnostics (170: after a pause; 50: typing). */
async function latency(path, samples, { pauseMs = 170, edit = findingEdit, gopls = false } = {}) {
  const s = gopls ? await startServer([src], ['gopls', 'serve'], { diagnosticsDelay: '0s' }) : await startServer();
  const uri = pathToFileURL(path).href;
  const text = readFileSync(path, 'utf8');
  const opened = s.published(uri, 1);
  await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
  await opened;
  // gopls loads the workspace first: let it settle before timing.
  if (gopls) await new Promise((r) => setTimeout(r, 5000));
  const { add, remove } = edit(text);
  const times = [];
  let version = 1;
  for (let i = 0; i < samples; i++) {
    for (const changes of [add, remove]) {
      await new Promise((r) => setTimeout(r, pauseMs));
      version++;
      const done = s.published(uri, version);
      const start = process.hrtime.bigint();
      await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
      await done;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return { s, uri, version, times, add, remove };
}

const transport = join(src, 'net/http/transport.go');
const largest = files.reduce((a, b) => (statSync(a).size >= statSync(b).size ? a : b));
const samples = quick ? 10 : 50;
const ms = (times) => `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)} ms`;
for (const path of [transport, largest]) {
  const { s, times } = await latency(path, samples);
  const n = readFileSync(path, 'utf8').split('\n').length;
  row(`LSP change-to-diagnostics p50 / p95, ${path.slice(src.length + 1)} (${n} lines), a function added and removed`, ms(times), '', `${times.length} changes`);
  await s.stop();
}
{
  const ours = await latency(transport, samples, { edit: bodyEdit });
  await ours.s.stop();
  let reference = '';
  let note = `${ours.times.length} changes`;
  if (hasCommand('gopls')) {
    const gopls = await latency(transport, samples, { edit: bodyEdit, gopls: true });
    await gopls.s.stop();
    row('gopls change-to-diagnostics p50 / p95, net/http/transport.go, the same edits (reference)', ms(gopls.times), '1.00', 'diagnosticsDelay 0s; its first publication after each change');
    reference = (percentile(ours.times, 95) / percentile(gopls.times, 95)).toFixed(3);
    note += `; ${(percentile(gopls.times, 95) / percentile(ours.times, 95)).toFixed(1)}x faster than gopls at p95`;
  }
  row('LSP change-to-diagnostics p50 / p95, net/http/transport.go, a statement added and removed in a function', ms(ours.times), reference, note);
}
{
  const { s, times } = await latency(transport, samples, { pauseMs: 50, edit: bodyEdit });
  row('LSP typing (each edit 50 ms after the previous diagnostics) p50 / p95, net/http/transport.go, in a function', ms(times), '', `${times.length} changes`);
  await s.stop();
}

// Memory across 1,000 edits (bursts, as typing), on transport.go, after 1,000 edits of warm-up (the heap grows to its working size first).
{
  const { s, uri, add, remove } = await latency(transport, 1);
  let version = 10;
  let sent = 0;
  const opened = s.rssMB();
  // Even-numbered edits add the function, odd ones remove it: an even number of edits leaves the text as opened.
  const edits = async (n) => {
    for (let i = 0; i < n; i++) {
      version++;
      await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: sent++ % 2 === 0 ? add : remove });
      if (i % 50 === 49) await s.published(uri, version);
    }
  };
  await edits(1000);
  const warm = s.rssMB();
  await edits(1000);
  const after = s.rssMB();
  row('LSP memory: resident after opening / after 1,000 edits (warm-up) / after 1,000 more, transport.go', `${opened.toFixed(0)} / ${warm.toFixed(0)} / ${after.toFixed(0)} MB`, '', `peak ${s.peakMB().toFixed(0)} MB; ${(after - warm).toFixed(0)} MB across the second thousand`);
  await s.stop();
}

// The server's workspace scan of the whole tree (worker threads in the server process).
{
  const s = await startServer([src]);
  const start = process.hrtime.bigint();
  const summary = await s.connection.sendRequest('workspace/executeCommand', { command: 'go-concurrency-lint.scanWorkspace', arguments: [] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  row('LSP workspace scan, whole tree', fmt(seconds), (seconds / gofmt.seconds).toFixed(2), `${summary.files} files, ${summary.findings} findings`);
  await new Promise((r) => setTimeout(r, 1000));
  row('LSP memory after the workspace scan: resident / peak', `${s.rssMB().toFixed(0)} / ${s.peakMB().toFixed(0)} MB`, '', 'peak includes the scan workers');
  await s.stop();
}

const width = Math.max(...rows.map((r) => r.what.length));
const table = [`| ${'measure'.padEnd(width)} | value | ratio to reference | note |`, `| ${'-'.repeat(width)} | --- | --- | --- |`];
for (const r of rows) table.push(`| ${r.what.padEnd(width)} | ${r.value} | ${r.reference} | ${r.note} |`);
// Exit only once the table is written: a pipe may not take it all at once.
process.stdout.write(table.join('\n') + '\n', () => process.exit(0));
