// Protocol tests of the code actions on a finding: its fixes, fix-all for the
// rule and for the file, disable for the line and the file (with the reason
// selected by the client's command), and the documentation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { applyEdits } from '../server/src/linter/fixes';
import { LineIndex } from '../server/src/engine/positions';
import { TestClient } from './support/lsp-client';

const LEAKS = `package p

import "context"

func f(parent context.Context, fail bool) error {
	ctx, cancel := context.WithCancel(parent)
	if fail {
		return ctx.Err()
	}
	cancel()
	return nil
}

func g(parent context.Context, fail bool) error {
	ctx, cancel := context.WithCancel(parent) // the parent is short-lived
	if fail {
		return ctx.Err()
	}
	cancel()
	return nil
}
`;

const COMMANDS = { showDocumentation: 'goConcurrencyLint.showDocumentation', selectRange: 'goConcurrencyLint.selectRange' };

/** The text after a code action's edit. */
function applied(text: string, action: CodeAction): string {
  const lines = new LineIndex(text);
  const change = action.edit!.documentChanges![0] as { edits: TextEdit[] };
  return applyEdits(text, change.edits.map((e) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), newText: e.newText })));
}

describe('code actions', () => {
  let client: TestClient;
  let n = 0;
  before(async () => {
    client = await TestClient.start({ clientCommands: COMMANDS });
  });
  after(async () => {
    await client.stop();
  });

  async function actionsAt(text: string, index = 0): Promise<{ uri: string; diagnostics: Diagnostic[]; actions: CodeAction[] }> {
    const uri = `file:///tmp/gcl-actions/a${n++}.go`;
    const published = client.diagnostics(uri);
    await client.open(uri, text);
    const { diagnostics } = await published;
    if (diagnostics.length <= index) return { uri, diagnostics, actions: [] };
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[index].range, context: { diagnostics: [diagnostics[index]] } });
    return { uri, diagnostics, actions };
  }

  test('every finding has its fixes (preferred first), fix-all for its rule and the file, disable for the line and the file, and its documentation', async () => {
    const { actions } = await actionsAt(LEAKS);
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, !!a.isPreferred]),
      [
        ['Add defer cancel() after this statement', 'quickfix', true],
        ['Fix all lost-cancel problems in this file', 'quickfix', false],
        ['Fix all auto-fixable problems', 'quickfix', false],
        ['Disable lost-cancel for this line', 'quickfix', false],
        ['Disable lost-cancel for this file', 'quickfix', false],
        ['Show documentation for lost-cancel', 'quickfix', false],
      ],
    );
    const byTitle = new Map(actions.map((a) => [a.title, a]));
    const fixedAll = applied(LEAKS, byTitle.get('Fix all lost-cancel problems in this file')!);
    assert.equal((fixedAll.match(/defer cancel\(\)/g) ?? []).length, 2);
    assert.deepEqual(byTitle.get('Show documentation for lost-cancel')!.command, { title: 'Show documentation for lost-cancel', command: COMMANDS.showDocumentation, arguments: ['lost-cancel'] });
  });

  test('disable for this line appends //nolint:<rule> // reason, selects the reason, and silences the finding', async () => {
    const { actions } = await actionsAt(LEAKS);
    const action = actions.find((a) => a.title === 'Disable lost-cancel for this line')!;
    const text = applied(LEAKS, action);
    assert.match(text, /\tctx, cancel := context\.WithCancel\(parent\) \/\/nolint:lost-cancel \/\/ reason\n/);
    assert.deepEqual(action.command, { title: 'Select the reason', command: COMMANDS.selectRange, arguments: [action.edit!.documentChanges![0] && (action.edit!.documentChanges![0] as { textDocument: { uri: string } }).textDocument.uri, { start: { line: 5, character: 67 }, end: { line: 5, character: 73 } }] });
    const after = await actionsAt(text);
    assert.deepEqual(after.diagnostics.map((d) => [d.code, d.range.start.line]), [['lost-cancel', 14]]);
  });

  test('disable for this line goes on its own line above when the line ends in a comment, and merges into a //nolint already there', async () => {
    const { actions } = await actionsAt(LEAKS, 1);
    const above = applied(LEAKS, actions.find((a) => a.title === 'Disable lost-cancel for this line')!);
    assert.match(above, /\n\t\/\/nolint:lost-cancel \/\/ reason\n\tctx, cancel := context\.WithCancel\(parent\) \/\/ the parent is short-lived\n/);
    const merged = LEAKS.replace('WithCancel(parent)\n', 'WithCancel(parent) //nolint:errcheck // checked elsewhere\n');
    const second = await actionsAt(merged);
    const text = applied(merged, second.actions.find((a) => a.title === 'Disable lost-cancel for this line')!);
    assert.match(text, /WithCancel\(parent\) \/\/nolint:errcheck,lost-cancel \/\/ checked elsewhere\n/);
    assert.equal(second.actions.find((a) => a.title === 'Disable lost-cancel for this line')!.command, undefined, 'nothing to select: the reason was there');
  });

  test('disable for this file writes //lint:file-ignore after the package clause (not in the package doc), or merges into one', async () => {
    const { actions } = await actionsAt(LEAKS);
    const action = actions.find((a) => a.title === 'Disable lost-cancel for this file')!;
    const text = applied(LEAKS, action);
    assert.ok(text.startsWith('package p\n\n//lint:file-ignore lost-cancel reason\n\nimport "context"\n'), text.slice(0, 80));
    assert.deepEqual((action.command!.arguments as unknown[])[1], { start: { line: 2, character: 31 }, end: { line: 2, character: 37 } });
    assert.deepEqual((await actionsAt(text)).diagnostics, []);
    const other = LEAKS.replace('package p\n', 'package p\n\n//lint:file-ignore SA1012 generated by hand\n');
    const merged = applied(other, (await actionsAt(other)).actions.find((a) => a.title === 'Disable lost-cancel for this file')!);
    assert.match(merged, /\/\/lint:file-ignore SA1012,lost-cancel generated by hand\n/);
  });

  test('without client commands, the documentation action runs the server command, which asks the client to open the web page', async () => {
    const plain = await TestClient.start();
    const shown: unknown[] = [];
    plain.connection.onRequest('window/showDocument', (params) => {
      shown.push(params);
      return { success: true };
    });
    try {
      const uri = 'file:///tmp/gcl-actions/plain.go';
      const published = plain.diagnostics(uri);
      await plain.open(uri, LEAKS);
      const { diagnostics } = await published;
      const actions = await plain.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
      const docs = actions.find((a) => a.title === 'Show documentation for lost-cancel')!;
      assert.equal(docs.command!.command, 'go-concurrency-lint.showDocumentation');
      assert.equal(actions.find((a) => a.title === 'Disable lost-cancel for this line')!.command, undefined);
      await plain.connection.sendRequest('workspace/executeCommand', docs.command);
      assert.deepEqual(shown, [{ uri: 'https://github.com/go-concurrency-lint/go-concurrency-lint/blob/main/docs/rules/lost-cancel.md', external: true }]);
    } finally {
      await plain.stop();
    }
  });
});
