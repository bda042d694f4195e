// Line breaks as LSP and SARIF count them: `\r\n`, a lone `\r` and `\n`.
// Before, a lone `\r` (whitespace to Go) was not a line break for the
// server, and every diagnostic after it showed one line too high.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex } from '../server/src/engine/positions';
import { lint } from './support/analyzer';

test('LineIndex: \\r\\n, a lone \\r and \\n each end a line; offsets round-trip', () => {
  const text = 'a\r\nb\rc\nd';
  const lines = new LineIndex(text);
  assert.deepEqual([...text].map((_, i) => lines.position(i).line), [0, 0, 0, 1, 1, 2, 2, 3]);
  for (let i = 0; i <= text.length; i++) assert.equal(lines.offset(lines.position(i)), i, `offset ${i}`);
});

test('after a lone \\r the finding is on the line an editor shows, and a suppression on that line still applies', async () => {
  const source = (suffix: string) =>
    `package p\n\nimport "context"\n\nfunc f(parent context.Context) {\n\t_ = 0\r \n\tctx, cancel := context.WithCancel(parent)${suffix}\n\t_ = ctx\n}\n`;
  const text = source('');
  const [finding] = await lint('/nonexistent/p/p.go', text, { only: ['lost-cancel'] });
  assert.equal(new LineIndex(text).position(finding.start).line, 7);
  assert.deepEqual(await lint('/nonexistent/p/p.go', source(' //nolint:lost-cancel'), { only: ['lost-cancel'] }), []);
});
