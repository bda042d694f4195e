// Protocol tests of the workspace scan: the built server over stdio, asked
// for workspace/executeCommand as the VS Code client asks for it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { CancellationTokenSource, type PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { TestClient } from './support/lsp-client';

const CLI = resolve(__dirname, '../../dist/cli.js');
const EXAMPLES = resolve(__dirname, '../../examples');
const SCAN = 'go-concurrency-lint.scanWorkspace';

interface Summary {
  files: number;
  scanned: number;
  findings: number;
  findingsByRule: Record<string, number>;
  cancelled: boolean;
}

const LEAK = `package p

import "context"

func f(parent context.Context) {
	ctx, _ := context.WithCancel(parent)
	_ = ctx
}
`;

const CLEAN = `package p

import "context"

func f(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	_ = ctx
}
`;

function copyOfExamples(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcl-scan-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  return dir;
}

/** `path rule start-end` (0-based lines and UTF-16 columns) of what the CLI reports for `dir`. */
function cliFindings(dir: string): string[] {
  const result = spawnSync(process.execPath, [CLI, '--format', 'json', '.'], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 1, result.stderr);
  const findings = (JSON.parse(result.stdout) as { findings: { path: string; ruleId: string; range: Record<string, number> }[] }).findings;
  return findings.map((f) => `${f.path} ${f.ruleId} ${f.range.startLine - 1}:${f.range.startColumn - 1}-${f.range.endLine - 1}:${f.range.endColumn - 1}`).sort();
}

/** The same, from the last diagnostics the server published for each file. */
function publishedFindings(client: TestClient, dir: string): string[] {
  const latest = new Map<string, PublishDiagnosticsParams>();
  for (const p of client.published) latest.set(p.uri, p);
  const lines: string[] = [];
  for (const [uri, { diagnostics }] of latest) {
    const path = relative(dir, fileURLToPath(uri));
    for (const d of diagnostics) lines.push(`${path} ${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
  }
  return lines.sort();
}

async function scan(client: TestClient, workDoneToken?: string): Promise<Summary> {
  return client.connection.sendRequest('workspace/executeCommand', { command: SCAN, arguments: [], workDoneToken });
}

function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

describe('workspace scan', () => {
  test('a failed scan answers with one plain sentence, ends its progress, reports scanFailed, and is not run again by a settings change', async () => {
    const dir = copyOfExamples();
    const client = await TestClient.start({}, {}, [dir], { GO_CONCURRENCY_LINT_FAIL_SCAN: 'the disk went away' });
    try {
      await assert.rejects(scan(client, 'failing'), (e: { message: string }) => e.message === 'the workspace scan failed: the disk went away (GO_CONCURRENCY_LINT_FAIL_SCAN). The output channel has the details.');
      const kinds = client.progress.filter((p) => p.token === 'failing').map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds[kinds.length - 1], 'end');
      assert.deepEqual(client.statuses[client.statuses.length - 1], { state: 'scanFailed', message: 'the workspace scan failed: the disk went away (GO_CONCURRENCY_LINT_FAIL_SCAN)' });
      const before = client.statuses.length;
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { goConcurrencyLint: { exclude: ['lost-cancel/**'] } } });
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(client.statuses.slice(before).filter((s) => s.state === 'scanning'), [], 'no scan started by the settings change');
      assert.ok(client.logs.some((l) => l.startsWith('the workspace scan failed: the disk went away') && l.includes('at ')), 'the log has the stack');
    } finally {
      await client.stop();
    }
  });

  test('status notifications: ready when initialized, scanning with the percentage, ready again at the end', async () => {
    const dir = copyOfExamples();
    const client = await TestClient.start({}, {}, [dir]);
    try {
      await scan(client, 'status-token');
      const states = client.statuses.map((s) => s.state);
      assert.equal(states[0], 'ready');
      assert.equal(states[states.length - 1], 'ready');
      const scanning = client.statuses.filter((s) => s.state === 'scanning');
      assert.ok(scanning.length >= 1, JSON.stringify(client.statuses));
      assert.deepEqual(scanning[0], { state: 'scanning', percentage: 0, message: 'listing files' });
      const percentages = scanning.map((s) => s.percentage!);
      assert.deepEqual(percentages, [...percentages].sort((a, b) => a - b));
    } finally {
      await client.stop();
    }
  });

  test('publishes for closed files exactly what the CLI reports, with progress and a summary', async () => {
    const dir = copyOfExamples();
    const expected = cliFindings(dir);
    const client = await TestClient.start({ maxWorkers: 2 }, {}, [dir]);
    try {
      const summary = await scan(client, 'scan-1');
      assert.deepEqual(publishedFindings(client, dir), expected);
      assert.equal(summary.cancelled, false);
      assert.equal(summary.findings, expected.length);
      assert.equal(summary.scanned, summary.files);
      assert.equal(Object.values(summary.findingsByRule).reduce((a, b) => a + b, 0), expected.length);
      const kinds = client.progress.filter((p) => p.token === 'scan-1').map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds[kinds.length - 1], 'end');
      assert.ok(client.logs.some((l) => l.startsWith(`Scanned ${summary.files} files`) && l.includes('lost-cancel')), 'the summary is logged');
    } finally {
      await client.stop();
    }
  });

  test('findings are identical with one worker, two workers, and a warm cache', async () => {
    const dir = copyOfExamples();
    const cacheDirectory = mkdtempSync(join(tmpdir(), 'gcl-scan-cache-'));
    const results: string[][] = [];
    for (const options of [{ maxWorkers: 1 }, { maxWorkers: 2, cacheDirectory }, { maxWorkers: 2, cacheDirectory }]) {
      const client = await TestClient.start(options, {}, [dir]);
      try {
        await scan(client);
        results.push(publishedFindings(client, dir));
      } finally {
        await client.stop();
      }
    }
    assert.ok(results[0].length > 0);
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });

  test('the exclude setting and the default excludes are honoured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-scan-'));
    for (const name of ['a/leak.go', 'mocks/leak.go', 'vendor/x/leak.go', 'b/leak_gen.go']) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), LEAK);
    }
    const client = await TestClient.start({ exclude: ['mocks', '*_gen.go'] }, {}, [dir]);
    try {
      const summary = await scan(client);
      assert.equal(summary.files, 1);
      assert.deepEqual(publishedFindings(client, dir), ['a/leak.go discarded-cancel 5:6-5:7']);
    } finally {
      await client.stop();
    }
  });

  test('cancelling mid-scan: the answer says so, nothing is published after it, and the server keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-scan-'));
    for (let i = 0; i < 600; i++) {
      mkdirSync(join(dir, `p${i}`));
      writeFileSync(join(dir, `p${i}`, 'leak.go'), LEAK);
    }
    const client = await TestClient.start({ maxWorkers: 2 }, {}, [dir]);
    try {
      const source = new CancellationTokenSource();
      const firstPublished = new Promise<void>((r) => {
        const poll = setInterval(() => client.published.length > 0 && (clearInterval(poll), r()), 5);
      });
      const answer = client.connection.sendRequest<Summary>('workspace/executeCommand', { command: SCAN, arguments: [] }, source.token);

      // A request made during the scan is answered before the scan ends.
      await firstPublished;
      const open = join(dir, 'open.go');
      const live = client.diagnostics(uriOf(open));
      await client.open(uriOf(open), LEAK);
      assert.equal((await live).diagnostics.length, 1);

      source.cancel();
      const summary = await answer;
      assert.equal(summary.cancelled, true);
      assert.ok(summary.scanned < summary.files, `${summary.scanned} of ${summary.files} scanned`);
      const publishedAtAnswer = client.published.length;
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(client.published.length, publishedAtAnswer, 'nothing is published after the cancelled scan answered');

      // It still lints, and scans again.
      const other = join(dir, 'other.go');
      const after = client.diagnostics(uriOf(other));
      await client.open(uriOf(other), LEAK);
      assert.equal((await after).diagnostics.length, 1);
    } finally {
      await client.stop();
    }
  });

  test('after a scan, files created, changed and deleted on disk get fresh diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-scan-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.22\n');
    writeFileSync(join(dir, 'old.go'), LEAK);
    const client = await TestClient.start({}, {}, [dir]);
    const changed = (type: 1 | 2 | 3, path: string) => client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path), type }] });
    try {
      await scan(client);
      assert.deepEqual(publishedFindings(client, dir), ['old.go discarded-cancel 5:6-5:7']);

      const created = join(dir, 'new.go');
      writeFileSync(created, LEAK.replace('func f(', 'func g('));
      let published = client.diagnostics(uriOf(created));
      await changed(1, created);
      assert.equal((await published).diagnostics.length, 1, 'a created file is linted');

      writeFileSync(created, CLEAN.replace('func f(', 'func g('));
      published = client.diagnostics(uriOf(created));
      await changed(2, created);
      assert.equal((await published).diagnostics.length, 0, 'a changed file is linted again');

      const old = join(dir, 'old.go');
      rmSync(old);
      // (A refresh of new.go's package may still republish old.go's finding before the deletion is seen.)
      const cleared = client.diagnostics(uriOf(old), (p) => p.diagnostics.length === 0);
      await changed(3, old);
      await cleared;
      const last = client.published.filter((p) => p.uri === uriOf(old)).pop();
      assert.equal(last?.diagnostics.length, 0, 'a deleted file loses its diagnostics');
    } finally {
      await client.stop();
    }
  });

  test('a file closed in the editor shows again what its text on disk has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-scan-'));
    const path = join(dir, 'a.go');
    writeFileSync(path, LEAK);
    const client = await TestClient.start({}, {}, [dir]);
    try {
      await scan(client);
      const uri = uriOf(path);
      let published = client.diagnostics(uri, (p) => p.version === 1);
      await client.open(uri, CLEAN);
      assert.equal((await published).diagnostics.length, 0, 'the open buffer wins');
      published = client.diagnostics(uri, (p) => p.version === undefined && p.diagnostics.length === 1);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      assert.equal((await published).diagnostics[0].code, 'discarded-cancel');
      assert.equal(readFileSync(path, 'utf8'), LEAK);
    } finally {
      await client.stop();
    }
  });

  test('the server watches Go files, go.mod and the configuration file itself when the client lets it register watchers', async () => {
    const client = await TestClient.start({}, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
    try {
      const deadline = Date.now() + 5000;
      while (!client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')?.registerOptions as { watchers: { globPattern: string }[] } | undefined;
      assert.deepEqual(watchers?.watchers.map((w) => w.globPattern), ['**/*.go', '**/go.mod', '**/.go-concurrency-lint.json']);
    } finally {
      await client.stop();
    }
  });

  test('an unknown command and a scan without folders get clear errors', async () => {
    const client = await TestClient.start();
    try {
      await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 'nope', arguments: [] }), /unknown command "nope"/);
      await assert.rejects(scan(client), /no workspace folder/);
    } finally {
      await client.stop();
    }
  });
});
