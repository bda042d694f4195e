// Protocol tests: the built server over stdio, as any editor starts it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction } from 'vscode-languageserver/node';
import { codes, TestClient } from './support/lsp-client';

const LEAK = `package p

import "context"

func f(parent context.Context, fail bool) error {
	ctx, cancel := context.WithCancel(parent)
	if fail {
		return ctx.Err()
	}
	cancel()
	return nil
}
`;

/** Quick to parse, about a second to lint: 1,500 nested loops, each deferring a cancel. */
const SLOW_TO_LINT = 'package slow\n\nimport "context"\n\nfunc f(parent context.Context) {\n' + 'for {\nctx, cancel := context.WithCancel(parent)\ndefer cancel()\n_ = ctx\n'.repeat(1500) + '}\n'.repeat(1500) + '}\n';

/** Opens `slowText`, then (after `pauseMs`) a small file and a request for it: both are answered before the slow file's diagnostics. */
async function assertNotHeldUp(slowText: string, pauseMs: number): Promise<void> {
  const client = await TestClient.start();
  const slow = 'file:///tmp/gcl-lsp/slow/slow.go';
  const small = 'file:///tmp/gcl-lsp/small/small.go';
  try {
    const order: string[] = [];
    const slowDone = client.diagnostics(slow, undefined, 30000).then(() => order.push('slow'));
    const smallDone = client.diagnostics(small).then(() => order.push('small'));
    await client.open(slow, slowText);
    await new Promise((r) => setTimeout(r, pauseMs));
    await client.open(small, LEAK);
    const answered = client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: small }, range: { start: { line: 5, character: 16 }, end: { line: 5, character: 16 } }, context: { diagnostics: [] } }).then(() => order.push('request'));
    await Promise.all([slowDone, smallDone, answered]);
    assert.equal(order[order.length - 1], 'slow', `order: ${order.join(', ')}`);
  } finally {
    await client.stop();
  }
}

describe('language server over stdio', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => {
    assert.equal(await client.stop(), 0, 'the server exits with 0 after shutdown and exit');
  });

  test('publishes diagnostics on open, with code, source, doc link and related information', async () => {
    const uri = 'file:///tmp/gcl-lsp/open.go';
    const published = client.diagnostics(uri);
    await client.open(uri, LEAK);
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.deepEqual(codes(diagnostics), ['lost-cancel@5:16-5:34']);
    const [d] = diagnostics;
    assert.equal(d.source, 'go-concurrency-lint');
    assert.equal(d.severity, 2);
    assert.match(d.codeDescription!.href, /docs\/rules\/lost-cancel\.md$/);
    // The checks of other tools for the same problem: the VS Code client shows one squiggle where gopls has one of them.
    assert.deepEqual(d.data, { peers: ['lostcancel', 'G118'] });
    assert.deepEqual(
      d.relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [[uri, 7, 'this return is reached without calling cancel']],
    );
  });

  test('incremental changes: a fix typed in clears the diagnostic; what is published follows the versions, never an older one after a newer', async () => {
    const uri = 'file:///tmp/gcl-lsp/change.go';
    const first = client.diagnostics(uri);
    await client.open(uri, LEAK);
    assert.equal((await first).diagnostics.length, 1);
    await new Promise((r) => setTimeout(r, 200));
    const cleared = client.diagnostics(uri, (p) => p.version === 4);
    const typed = ['\n\tdefer ', 'cance', 'l()'];
    let at = { line: 5, character: 42 };
    for (const [i, text] of typed.entries()) {
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ range: { start: at, end: at }, text }],
      });
      at = text.startsWith('\n') ? { line: 6, character: text.length - 1 } : { line: at.line, character: at.character + text.length };
    }
    const result = await cleared;
    assert.deepEqual(result.diagnostics, []);
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions: ${versions.join(', ')}`);
  });

  test('positions are UTF-16 code units: non-ASCII text before the finding on the same line', async () => {
    const uri = 'file:///tmp/gcl-lsp/unicode.go';
    const text = LEAK.replace('\tctx, cancel := context.WithCancel(parent)', '\t/* 数据 😀 */ ctx, cancel := context.WithCancel(parent)');
    const published = client.diagnostics(uri);
    await client.open(uri, text);
    // "\t/* 数据 😀 */ " is 1 + 3 + 2 + 1 + 2 + 3 + 1 = 13 UTF-16 code units (the emoji is 2),
    // then "ctx, cancel := " is 15 more: context.WithCancel starts at 28 (it is 18 long).
    assert.deepEqual(codes((await published).diagnostics), ['lost-cancel@5:28-5:46']);
  });

  test('code actions: the quick fix inserts defer cancel() and is preferred; fix-all on request', async () => {
    const uri = 'file:///tmp/gcl-lsp/actions.go';
    const published = client.diagnostics(uri);
    await client.open(uri, LEAK);
    const { diagnostics } = await published;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0].range,
      context: { diagnostics },
    })) as CodeAction[];
    const [action] = actions;
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.title, 'Add defer cancel() after this statement');
    assert.equal(action.isPreferred, true);
    const change = action.edit!.documentChanges![0] as { textDocument: { version: number }; edits: { range: unknown; newText: string }[] };
    assert.equal(change.textDocument.version, 1);
    assert.deepEqual(change.edits, [{ range: { start: { line: 5, character: 42 }, end: { line: 5, character: 42 } }, newText: '\n\tdefer cancel()' }]);

    const fixAll = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.deepEqual(fixAll.map((a) => a.kind), ['source.fixAll.go-concurrency-lint']);
  });

  test('a file that does not parse still gets the findings of its intact parts, and the server keeps working', async () => {
    const uri = 'file:///tmp/gcl-lsp/broken.go';
    const broken = LEAK + '\nfunc g( {\n\tx := \n';
    const published = client.diagnostics(uri);
    await client.open(uri, broken);
    assert.deepEqual(codes((await published).diagnostics), ['lost-cancel@5:16-5:34']);
  });

  test('a related location in another file of the package has that file\'s URI and range', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-related-'));
    writeFileSync(join(dir, 'loops.go'), 'package p\n\nfunc (p *P) poll() {\n\tfor {\n\t\t<-p.c\n\t}\n}\n');
    const enabled = await TestClient.start({ rules: { 'goroutine-without-exit': 'warning' } });
    try {
      const uri = pathToFileURL(join(dir, 'start.go')).href;
      const published = enabled.diagnostics(uri);
      await enabled.open(uri, 'package p\n\ntype P struct{ c chan int }\n\nfunc (p *P) Start() {\n\tgo p.poll()\n}\n');
      const [d] = (await published).diagnostics;
      assert.equal(d.code, 'goroutine-without-exit');
      assert.deepEqual(d.relatedInformation, [
        { location: { uri: pathToFileURL(join(dir, 'loops.go')).href, range: { start: { line: 3, character: 1 }, end: { line: 3, character: 4 } } }, message: 'this loop never ends (poll in loops.go)' },
      ]);
    } finally {
      await enabled.stop();
    }
  });

  test('package facts come from the closed sibling files on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-lsp-pkg-'));
    const store = 'package p\n\nimport "context"\n\ntype S struct{ stop context.CancelFunc }\n\nfunc (s *S) Start(p context.Context) {\n\t_, s.stop = context.WithCancel(p)\n}\n';
    writeFileSync(join(dir, 'a.go'), store);
    writeFileSync(join(dir, 'b.go'), 'package p\n\nfunc (s *S) Close() { s.stop() }\n');
    const calledElsewhere = pathToFileURL(join(dir, 'a.go')).href;
    const silent = client.diagnostics(calledElsewhere);
    await client.open(calledElsewhere, store);
    assert.deepEqual((await silent).diagnostics, [], 'b.go, closed, calls s.stop');

    const lonely = mkdtempSync(join(tmpdir(), 'gcl-lsp-pkg-'));
    writeFileSync(join(lonely, 'a.go'), store);
    writeFileSync(join(lonely, 'b.go'), 'package p\n\nfunc (s *S) Close() {}\n');
    const neverCalled = pathToFileURL(join(lonely, 'a.go')).href;
    const reported = client.diagnostics(neverCalled);
    await client.open(neverCalled, store);
    assert.deepEqual(codes((await reported).diagnostics), ['lost-cancel@7:13-7:31']);
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = 'file:///tmp/gcl-lsp/close.go';
    const opened = client.diagnostics(uri);
    await client.open(uri, LEAK);
    await opened;
    const cleared = client.diagnostics(uri, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await cleared;
  });
  test('a rule that fails is logged every time and told once, naming the rule and the file', async () => {
    const failing = await TestClient.start(undefined, {}, [], { GO_CONCURRENCY_LINT_FAIL_RULE: 'lost-cancel' });
    try {
      for (const name of ['fail1.go', 'fail2.go']) {
        const uri = `file:///tmp/gcl-lsp-fail/${name}`;
        const published = failing.diagnostics(uri);
        await failing.open(uri, LEAK);
        await published;
      }
      assert.ok(failing.logs.some((l) => /rule lost-cancel failed on file:\/\/\/tmp\/gcl-lsp-fail\/fail1\.go, its findings there are missing/.test(l)), failing.logs.join('\n'));
      assert.ok(failing.logs.some((l) => /rule lost-cancel failed on file:\/\/\/tmp\/gcl-lsp-fail\/fail2\.go/.test(l)), failing.logs.join('\n'));
      assert.deepEqual(failing.shown.filter((m) => /the rule lost-cancel failed/.test(m)), [
        'Go Concurrency Lint: the rule lost-cancel failed on fail1.go, so its findings there are missing. The output channel has the details; please report it.',
      ]);
    } finally {
      await failing.stop();
    }
  });

  // Deep nesting once overflowed the stack in eight rules and took seconds on the server's main thread.
  test('three thousand nested loops get their diagnostics like any file', async () => {
    const text = 'package p\n\nimport "context"\n\nfunc f(parent context.Context) {\n' + 'for {\n'.repeat(3000) + 'ctx, cancel := context.WithCancel(parent)\n_ = ctx\n' + '}\n'.repeat(3000) + '}\n';
    const uri = 'file:///tmp/gcl-lsp-deep/deep.go';
    const published = client.diagnostics(uri, undefined, 30000);
    await client.open(uri, text);
    assert.deepEqual(codes((await published).diagnostics), ['lost-cancel@3005:15-3005:33']);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  test('malformed didOpen and didChange notifications are logged and ignored; the server keeps every document', async () => {
    const uri = 'file:///tmp/gcl-lsp/malformed.go';
    const first = client.diagnostics(uri);
    await client.open(uri, LEAK);
    assert.equal((await first).diagnostics.length, 1);
    for (const text of [null, 42, { a: 1 }]) {
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/gcl-lsp/bad.go', languageId: 'go', version: 1, text } });
    }
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 7, languageId: 'go', version: 1, text: LEAK } });
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: null }] });
    // The document is intact: a real edit still gets fresh, correct diagnostics.
    const fixed = client.diagnostics(uri, (p) => p.version === 3);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 5, character: 42 }, end: { line: 5, character: 42 } }, text: '\n\tdefer cancel()' }],
    });
    assert.deepEqual((await fixed).diagnostics, []);
    assert.ok(client.logs.some((l) => /ignored a malformed textDocument\/didOpen notification/.test(l)));
    assert.ok(client.logs.some((l) => /ignored a malformed textDocument\/didChange notification/.test(l)));
  });

  test('a change whose range ends before it starts edits the text and the tree alike: diagnostics equal a fresh lint', async () => {
    const uri = 'file:///tmp/gcl-lsp/reversed.go';
    const first = client.diagnostics(uri);
    await client.open(uri, LEAK);
    assert.equal((await first).diagnostics.length, 1);
    // Delete the early return (lines 6 to 8), the range given end first; then rename a variable below it.
    const after = client.diagnostics(uri, (p) => p.version === 3);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 9, character: 0 }, end: { line: 6, character: 0 } }, text: '' }],
    });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 6, character: 1 }, end: { line: 6, character: 7 } }, text: 'defer cancel' }],
    });
    const { diagnostics } = await after;
    const expected = LEAK.replace('\tif fail {\n\t\treturn ctx.Err()\n\t}\n\tcancel()', '\tdefer cancel()');
    const fresh = client.diagnostics('file:///tmp/gcl-lsp/reversed-fresh.go');
    await client.open('file:///tmp/gcl-lsp/reversed-fresh.go', expected);
    assert.deepEqual(codes(diagnostics), codes((await fresh).diagnostics));
  });
});

describe('language server settings', () => {
  test('.go-concurrency-lint.json at a folder root sets the rules there; the settings override it per rule; a change on disk applies at once', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gcl-config-'));
    const other = mkdtempSync(join(tmpdir(), 'gcl-config-other-'));
    writeFileSync(join(folder, '.go-concurrency-lint.json'), JSON.stringify({ rules: { 'lost-cancel': 'error', 'discarded-cancel': 'hint' } }));
    const client = await TestClient.start({ rules: { 'discarded-cancel': 'information' } }, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, [folder, other]);
    const text = LEAK.replace('return nil\n}', 'return nil\n}\n\nfunc h(p context.Context) {\n\t_, _ = context.WithCancel(p)\n}');
    try {
      const inFolder = pathToFileURL(join(folder, 'a.go')).href;
      const inOther = pathToFileURL(join(other, 'a.go')).href;
      const first = client.diagnostics(inFolder);
      const second = client.diagnostics(inOther);
      await client.open(inFolder, text);
      await client.open(inOther, text);
      assert.deepEqual((await first).diagnostics.map((d) => [d.code, d.severity]), [['lost-cancel', 1], ['discarded-cancel', 3]]);
      assert.deepEqual((await second).diagnostics.map((d) => [d.code, d.severity]), [['lost-cancel', 2], ['discarded-cancel', 3]]);
      assert.ok(client.registrations.some((r) => JSON.stringify(r.registerOptions).includes('**/.go-concurrency-lint.json')), 'the server watches the file');
      assert.match(client.logs.find((l) => l.startsWith('Go Concurrency Lint '))!, /configuration files: .*gcl-config-[^,;]*\.go-concurrency-lint\.json/);

      writeFileSync(join(folder, '.go-concurrency-lint.json'), '{"rules": {"lost-cancel": "off"}}');
      const relinted = client.diagnostics(inFolder, (p) => !p.diagnostics.some((d) => d.code === 'lost-cancel'));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(folder, '.go-concurrency-lint.json')).href, type: 2 }] });
      assert.deepEqual((await relinted).diagnostics.map((d) => [d.code, d.severity]), [['discarded-cancel', 3]]);

      writeFileSync(join(folder, '.go-concurrency-lint.json'), '{"rules": {"lost-cancel": "off"}');
      const defaults = client.diagnostics(inFolder, (p) => p.diagnostics.some((d) => d.code === 'lost-cancel'));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(folder, '.go-concurrency-lint.json')).href, type: 2 }] });
      assert.deepEqual((await defaults).diagnostics.map((d) => [d.code, d.severity]), [['lost-cancel', 2], ['discarded-cancel', 3]]);
      const told = client.shown.filter((m) => m.includes('.go-concurrency-lint.json'));
      assert.equal(told.length, 1, told.join('\n'));
      assert.match(told[0], /^Go Concurrency Lint: \/.*gcl-config-[^/]*\/\.go-concurrency-lint\.json: not valid JSON \(.*line 1, column 33\); the defaults are used\.$/);
    } finally {
      await client.stop();
    }
  });

  test('goConcurrencyLint.goVersion overrides go.mod; a bad value is named and go.mod is used', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gcl-goversion-'));
    writeFileSync(join(folder, 'go.mod'), 'module m\n\ngo 1.21\n');
    const ticker = 'package p\n\nimport "time"\n\nfunc f() <-chan time.Time {\n\treturn time.Tick(time.Second)\n}\n';
    for (const [goVersion, expected, message] of [['1.23', [], undefined], ['newest', ['time-tick-leak'], /goConcurrencyLint\.goVersion: "newest" is not a Go version such as 1\.22; go\.mod's is used/]] as const) {
      const client = await TestClient.start({ goVersion }, {}, [folder]);
      try {
        const uri = pathToFileURL(join(folder, 't.go')).href;
        const published = client.diagnostics(uri);
        await client.open(uri, ticker);
        assert.deepEqual((await published).diagnostics.map((d) => d.code), expected);
        if (message) assert.match(client.shown.join('\n'), message);
      } finally {
        await client.stop();
      }
    }
  });

  test('suppressions that silence nothing are hints with a fix that removes them (goConcurrencyLint.reportUnusedSuppressions)', async () => {
    const text = LEAK.replace('\tcancel()\n', '\tcancel() //nolint:lost-cancel,discarded-cancel // stale\n');
    for (const report of [true, false]) {
      const client = await TestClient.start({ reportUnusedSuppressions: report });
      try {
        const uri = 'file:///tmp/gcl-lsp/unused/a.go';
        const published = client.diagnostics(uri);
        await client.open(uri, text);
        const { diagnostics } = await published;
        const unused = diagnostics.filter((d) => d.code === 'unused-suppression');
        if (!report) {
          assert.deepEqual(unused, []);
          continue;
        }
        assert.deepEqual(unused.map((d) => [d.severity, d.range.start.character, d.message]), [
          [4, 19, 'this suppression of lost-cancel silences nothing: lost-cancel finds no problem on the line it covers (10)'],
          [4, 31, 'this suppression of discarded-cancel silences nothing: discarded-cancel finds no problem on the line it covers (10)'],
        ]);
        const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: unused[0].range, context: { diagnostics: [unused[0]] } });
        assert.deepEqual(actions.map((a) => a.title), ['Remove lost-cancel from this suppression', 'Fix all unused-suppression problems in this file', 'Fix all auto-fixable problems', 'Show documentation for unused-suppression']);
      } finally {
        await client.stop();
      }
    }
  });

  test('a misspelled rule id or severity in the settings is named once and ignored; the other entries still apply', async () => {
    // This client implements no window/showMessageRequest: the request form used to reject, unhandled, and end the server.
    const client = await TestClient.start({ rules: { 'lost-cancell': 'error', 'discarded-cancel': 'off', 'nil-context': 'loud', 'lost-cancel': 'hint' } });
    try {
      const uri = 'file:///tmp/gcl-lsp/unknown-rule.go';
      const published = client.diagnostics(uri);
      await client.open(uri, LEAK.replace('return nil\n}', 'return nil\n}\n\nfunc h(p context.Context) {\n\t_, _ = context.WithCancel(p)\n}'));
      // lost-cancel at hint and discarded-cancel off: the valid entries applied.
      assert.deepEqual((await published).diagnostics.map((d) => [d.code, d.severity]), [['lost-cancel', 4]]);
      assert.deepEqual(client.shown, [
        'Go Concurrency Lint: goConcurrencyLint.rules: unknown rule "lost-cancell" (did you mean "lost-cancel"?); that entry is ignored. goConcurrencyLint.rules: "loud" is not a severity for nil-context (use one of off, error, warning, information, hint); that entry is ignored.',
      ]);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  test('run: onSave lints an open file when it is opened and saved, not as it changes', async () => {
    const client = await TestClient.start({ run: 'onSave' });
    try {
      const uri = 'file:///tmp/gcl-lsp/on-save/saved.go';
      const opened = client.diagnostics(uri);
      await client.open(uri, LEAK);
      assert.equal((await opened).diagnostics.length, 1);
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 5, character: 42 }, end: { line: 5, character: 42 } }, text: '\n\tdefer cancel()' }],
      });
      // No lint for the change, and no quick fix for a lint of another version.
      const actions = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 5, character: 20 }, end: { line: 5, character: 20 } }, context: { diagnostics: [] } });
      assert.deepEqual(actions, []);
      assert.deepEqual(client.published.filter((p) => p.uri === uri).map((p) => p.version), [1]);
      const saved = client.diagnostics(uri, (p) => p.version === 2);
      await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
      assert.deepEqual((await saved).diagnostics, []);
    } finally {
      await client.stop();
    }
  });

  test('the log states the version, the active rules and the effective settings at start', async () => {
    const client = await TestClient.start({ rules: { 'discarded-cancel': 'off', 'goroutine-without-exit': 'hint' } });
    try {
      const line = client.logs.find((l) => l.startsWith('Go Concurrency Lint '));
      assert.ok(line, client.logs.join('\n'));
      assert.match(line, /^Go Concurrency Lint \d+\.\d+\.\d+: enabled; rules: /);
      assert.match(line, /lost-cancel \(warning\)/);
      assert.match(line, /goroutine-without-exit \(hint\)/);
      assert.doesNotMatch(line, /discarded-cancel \(/);
      assert.match(line, /settings: \{"enable":true,"rules":\{"discarded-cancel":"off","goroutine-without-exit":"hint"\}/);
    } finally {
      await client.stop();
    }
  });

  test('initializationOptions turn a rule off and change a severity', async () => {
    const client = await TestClient.start({ rules: { 'lost-cancel': 'error', 'discarded-cancel': 'off' } });
    try {
      const uri = 'file:///tmp/gcl-lsp/settings.go';
      const published = client.diagnostics(uri);
      await client.open(uri, LEAK.replace('return nil\n}', 'return nil\n}\n\nfunc h(p context.Context) {\n\t_, _ = context.WithCancel(p)\n}'));
      const { diagnostics } = await published;
      assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['lost-cancel', 1]]);
    } finally {
      await client.stop();
    }
  });

  test('a file that takes long to parse does not hold up other files or requests', async () => {
    // About 1.9 MB of Go: hundreds of milliseconds of parsing in one piece.
    const body = Array.from({ length: 9000 }, (_, i) => `func f${i}(x int) int {\n\tif x > ${i} {\n\t\treturn x * ${i}\n\t}\n\treturn x + ${i}\n}\n`).join('\n');
    await assertNotHeldUp(`package big\n\n${body}`, 0);
  });

  test('changes that arrive while a lint runs make one follow-up lint of the latest version', async () => {
    const client = await TestClient.start();
    const uri = 'file:///tmp/gcl-lsp/coalesce/slow.go';
    try {
      await client.open(uri, SLOW_TO_LINT);
      await new Promise((r) => setTimeout(r, 100));
      const last = client.diagnostics(uri, (p) => p.version === 6, 30000);
      for (let version = 2; version <= 6; version++) {
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// x\n' }],
        });
        await new Promise((r) => setTimeout(r, 20));
      }
      await last;
      assert.deepEqual(client.published.filter((p) => p.uri === uri).map((p) => p.version), [6]);
    } finally {
      await client.stop();
    }
  });

  test('a file that takes long to lint does not hold up other files or requests', async () => {
    // Once the slow file's lint has begun: its parse takes a few milliseconds.
    await assertNotHeldUp(SLOW_TO_LINT, 100);
  });

});

describe('language server lifecycle and malformed requests', () => {
  test('requests before initialize get ServerNotInitialized; after shutdown, InvalidRequest; notifications then are dropped', async () => {
    const client = TestClient.spawn();
    const codeAction = { textDocument: { uri: 'file:///tmp/gcl-life/a.go' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } };
    await assert.rejects(client.connection.sendRequest('textDocument/codeAction', codeAction), (e: { code: number }) => e.code === -32002);
    await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 'goConcurrencyLint.scanWorkspace' }), (e: { code: number }) => e.code === -32002);
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await assert.rejects(client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }), (e: { code: number }) => e.code === -32600);
    await client.connection.sendRequest('shutdown');
    await assert.rejects(client.connection.sendRequest('textDocument/codeAction', codeAction), (e: { code: number; message: string }) => e.code === -32600 && /shut down/.test(e.message));
    // A document opened after shutdown is not linted: nothing is published for it.
    await client.open('file:///tmp/gcl-life/after.go', LEAK);
    const exited = new Promise<number | null>((r) => client.process.once('exit', (code) => r(code)));
    await client.connection.sendNotification('exit');
    assert.equal(await exited, 0);
    assert.deepEqual(client.published.filter((p) => p.uri.endsWith('after.go')), []);
  });

  test('malformed requests get InvalidParams and the server keeps its documents', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/gcl-life/kept.go';
      const first = client.diagnostics(uri);
      await client.open(uri, LEAK);
      assert.equal((await first).diagnostics.length, 1);
      for (const params of [null, {}, { textDocument: { uri }, range: { start: { line: 'a', character: 0 }, end: { line: 0, character: 0 } }, context: {} }, { textDocument: { uri: 5 }, range: {}, context: {} }]) {
        await assert.rejects(client.connection.sendRequest('textDocument/codeAction', params), (e: { code: number }) => e.code === -32602, JSON.stringify(params));
      }
      await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 42 }), (e: { code: number }) => e.code === -32602);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: null });
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: 'all' });
      // Still there, still linted: a quick fix for the finding comes back.
      const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 5, character: 20 }, end: { line: 5, character: 20 } }, context: { diagnostics: [] } });
      assert.ok(actions.some((a) => /defer cancel\(\)/.test(a.title)), JSON.stringify(actions));
      assert.ok(client.logs.some((l) => /ignored a malformed textDocument\/didClose notification/.test(l)));
    } finally {
      await client.stop();
    }
  });

  test('an edit that splits a surrogate pair replaces the whole character, in the text and in the tree', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///tmp/gcl-life/emoji.go';
      const text = LEAK.replace('ctx, cancel := context', 'ctx, cancel := /* 😀 */ context');
      const first = client.diagnostics(uri);
      await client.open(uri, text);
      assert.deepEqual(codes((await first).diagnostics), ['lost-cancel@5:25-5:43']);
      // An x typed between the two halves of 😀 (characters 19 and 20) replaces it: the finding moves one left, not one right.
      const after = client.diagnostics(uri, (p) => p.version === 2);
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 5, character: 20 }, end: { line: 5, character: 20 } }, text: 'x' }],
      });
      assert.deepEqual(codes((await after).diagnostics), ['lost-cancel@5:24-5:42']);
      // The tree moved the same way: the fix inserts after the statement's real end.
      const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 5, character: 30 }, end: { line: 5, character: 30 } }, context: { diagnostics: [] } });
      const edit = actions.find((a) => a.isPreferred)?.edit?.documentChanges?.[0];
      assert.deepEqual(edit && 'edits' in edit ? edit.edits.map((e) => e.range.start) : [], [{ line: 5, character: 50 }]);
    } finally {
      await client.stop();
    }
  });
});
