// What users install: the .vsix and the npm package hold every file the
// extension, the server, the scan worker and the CLI load at run time; and a
// scan still completes when worker threads cannot start.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { listGoFiles } from '../server/src/workspace/files';
import { scanFiles } from '../server/src/workspace/pool';

const ROOT = resolve(__dirname, '../..');
const RUN_TIME_FILES = ['dist/extension.js', 'dist/server.js', 'dist/cli.js', 'dist/worker.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-go.wasm', 'package.json'];

describe('packages', () => {
  test('the .vsix lists every run-time file (dist/worker.js was missing: Scan Workspace failed in the installed extension)', () => {
    const listed = execFileSync(resolve(ROOT, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    for (const file of RUN_TIME_FILES) assert.ok(listed.includes(file), `${file} is not in the .vsix`);
    assert.ok(listed.some((f) => f.startsWith('docs/rules/')), 'the rule pages are not in the .vsix');
    assert.ok(!listed.some((f) => f.startsWith('server/') || f.startsWith('test/') || f.startsWith('node_modules/')), 'sources or tests would be shipped');
  });

  test('the npm package holds every run-time file', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
    const files = pack.files.map((f: { path: string }) => f.path);
    for (const file of RUN_TIME_FILES.filter((f) => f !== 'dist/extension.js')) assert.ok(files.includes(file), `${file} is not in the npm package`);
  });

  test('when worker threads cannot start, the scan runs in this thread, says so once, and finds the same', async () => {
    const { files } = listGoFiles([resolve(ROOT, 'examples')], true, []);
    const options = { config: {} };
    const expected = await scanFiles(files, options, 1);
    const reasons: string[] = [];
    const fallback = await scanFiles(files, options, 2, { workerScript: resolve(ROOT, 'dist/no-such-worker.js'), onFallback: (reason) => reasons.push(reason) });
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], /no-such-worker\.js/);
    const summary = (results: typeof expected) => results.map((r) => `${r.path} ${r.findings.map((f) => f.ruleId).join(',')}`);
    assert.deepEqual(summary(fallback), summary(expected));
    assert.ok(expected.some((r) => r.findings.length > 0));
  });
});
