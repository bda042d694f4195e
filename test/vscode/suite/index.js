// In-editor tests for Go Concurrency Lint.
//
// This module runs inside a real VS Code extension host: VS Code loads it
// through --extensionTestsPath and calls run(), which must reject when a test
// fails. Mocha is not a dependency, so a tiny runner lives at the bottom.
// Plain CommonJS on purpose: it needs no compile step.
//
// The runners (test/vscode/runTest.mjs for VS Code desktop,
// test/vscode/runInCodeServer.mjs for code-server) open a copy of
// test/vscode/fixture/ as the workspace folder.
'use strict';

const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'go-concurrency-lint.go-concurrency-lint';
const SOURCE = 'go-concurrency-lint';
const FIX_TITLE = /defer cancel\(\)/i;
const TIMEOUT_MS = Number(process.env.GCL_TEST_TIMEOUT_MS || 30000);

const LOST_CANCEL_SRC = `package p

import "context"

func f(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	_ = ctx
	if parent == nil {
		return
	}
	cancel()
}
`;

// ---------------------------------------------------------------- helpers

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls fn until it returns a truthy value, or throws after timeoutMs. */
async function waitFor(what, fn, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function codeOf(d) {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

function ours(uri) {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function lostCancel(uri) {
  return ours(uri).filter((d) => codeOf(d) === 'lost-cancel');
}

function describe(diags) {
  return JSON.stringify(
    diags.map((d) => ({
      code: codeOf(d),
      source: d.source,
      message: d.message,
      range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
    })),
  );
}

/** The range of the first occurrence of needle in the document. */
function rangeOf(doc, needle) {
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" not found in ${doc.uri.toString()}`);
  return new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + needle.length));
}

function fixtureUri(name) {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert.ok(folder, 'the test instance was started without a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function openGo(name) {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'go', `${name} should open as a Go document (is a Go grammar contributed?)`);
  return doc;
}

async function waitForLostCancel(doc) {
  return waitFor(`a lost-cancel diagnostic on ${doc.uri.toString()}`, () => {
    const found = lostCancel(doc.uri);
    return found.length > 0 ? found : undefined;
  }).catch((err) => {
    throw new Error(`${err.message}; diagnostics now: ${describe(vscode.languages.getDiagnostics(doc.uri))}`);
  });
}

async function setEnabled(value) {
  await vscode.workspace
    .getConfiguration('goConcurrencyLint')
    .update('enable', value, vscode.ConfigurationTarget.Global);
}

async function closeAllEditors() {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

// ---------------------------------------------------------------- tests

const tests = [];
function test(name, fn) {
  tests.push({ name, fn });
}

test('the extension is installed and activates', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} not found`);
  await ext.activate();
  assert.equal(ext.isActive, true);
});

test('it contributes the restart and show-output commands', async () => {
  const all = await vscode.commands.getCommands(true);
  assert.ok(all.includes('goConcurrencyLint.restartServer'), 'goConcurrencyLint.restartServer missing');
  assert.ok(all.includes('goConcurrencyLint.showOutput'), 'goConcurrencyLint.showOutput missing');
  await vscode.commands.executeCommand('goConcurrencyLint.showOutput');
});

test('workspace trust matches what the runner asked for', async () => {
  const expected = process.env.GCL_TEST_EXPECT_TRUSTED;
  if (expected === undefined) return;
  assert.equal(vscode.workspace.isTrusted, expected === '1', `workspace.isTrusted is ${vscode.workspace.isTrusted}`);
});

test('a lost-cancel diagnostic appears on context.WithCancel', async () => {
  const doc = await openGo('lostcancel.go');
  const [diag] = await waitForLostCancel(doc);
  assert.equal(diag.source, SOURCE);
  const call = rangeOf(doc, 'context.WithCancel');
  assert.ok(
    diag.range.intersection(call) !== undefined,
    `diagnostic range ${describe([diag])} does not cover context.WithCancel`,
  );
});

test('the quick fix "defer cancel()" is offered and removes the diagnostic', async () => {
  const doc = await openGo('lostcancel.go');
  const [diag] = await waitForLostCancel(doc);
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diag.range);
  const titles = (actions || []).map((a) => a.title);
  const fix = (actions || []).find((a) => FIX_TITLE.test(a.title));
  assert.ok(fix, `no quick fix matching ${FIX_TITLE}; got ${JSON.stringify(titles)}`);
  if (fix.kind) assert.ok(vscode.CodeActionKind.QuickFix.contains(fix.kind), `kind is ${fix.kind.value}`);
  assert.ok(fix.edit || fix.command, 'the quick fix has neither an edit nor a command');
  if (fix.edit) assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'applyEdit failed');
  if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments || []));
  assert.match(doc.getText(), /defer cancel\(\)/, 'the fix did not insert defer cancel()');
  await waitFor('the lost-cancel diagnostic to go away after the fix', () => lostCancel(doc.uri).length === 0);
  // Leave the fixture as it was for the tests that follow.
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.equal(doc.isDirty, false);
  await waitForLostCancel(doc);
});

test('an untitled Go buffer is linted too', async () => {
  const doc = await vscode.workspace.openTextDocument({ language: 'go', content: LOST_CANCEL_SRC });
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.uri.scheme, 'untitled');
  await waitForLostCancel(doc);
  await closeAllEditors();
});

test('Scan Workspace reports a closed file, and a file created on disk afterwards', async () => {
  const all = await vscode.commands.getCommands(true);
  assert.ok(all.includes('goConcurrencyLint.scanWorkspace'), 'goConcurrencyLint.scanWorkspace missing');
  const closed = fixtureUri('closed/discarded.go');
  const summary = await vscode.commands.executeCommand('goConcurrencyLint.scanWorkspace');
  assert.ok(summary && summary.files >= 2 && summary.cancelled === false, `scan summary: ${JSON.stringify(summary)}`);
  await waitFor('a discarded-cancel diagnostic on the closed file', () => ours(closed).some((d) => codeOf(d) === 'discarded-cancel'));
  const created = fixtureUri('closed/created.go');
  const text = (await vscode.workspace.fs.readFile(closed)).toString().replace('func f(', 'func g(');
  await vscode.workspace.fs.writeFile(created, Buffer.from(text));
  try {
    await waitFor('a diagnostic on a file created after the scan', () => ours(created).some((d) => codeOf(d) === 'discarded-cancel'));
  } finally {
    await vscode.workspace.fs.delete(created);
  }
  await waitFor('the deleted file to lose its diagnostics', () => ours(created).length === 0);
});

test('goConcurrencyLint.restartServer restarts and diagnostics come back', async () => {
  const doc = await openGo('lostcancel.go');
  await waitForLostCancel(doc);
  await vscode.commands.executeCommand('goConcurrencyLint.restartServer');
  await waitForLostCancel(doc);
});

test('goConcurrencyLint.enable=false stops the server and clears diagnostics; true brings them back', async () => {
  const doc = await openGo('lostcancel.go');
  await waitForLostCancel(doc);
  try {
    await setEnabled(false);
    await waitFor('diagnostics to be cleared when disabled', () => ours(doc.uri).length === 0);
  } finally {
    await setEnabled(undefined);
  }
  await waitForLostCancel(doc);
});

// ---------------------------------------------------------------- runner

async function run() {
  let passed = 0;
  let failed = 0;
  const log = (line) => console.log(`[go-concurrency-lint vscode tests] ${line}`);
  log(`VS Code ${vscode.version}, ${vscode.env.appName}, remote=${vscode.env.remoteName || 'none'}, trusted=${vscode.workspace.isTrusted}`);
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  log(`extension under test: ${ext ? `${ext.packageJSON.version} at ${ext.extensionPath}` : 'not found'}`);
  for (const t of tests) {
    const started = Date.now();
    try {
      await t.fn();
      passed++;
      log(`ok - ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      log(`not ok - ${t.name} (${Date.now() - started} ms)`);
      log(`  ${String(err && err.stack ? err.stack : err).split('\n').join('\n  ')}`);
    }
  }
  // The plain closing line that CI-style log readers understand.
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${tests.length} in-editor tests failed`);
}

module.exports = { run };
