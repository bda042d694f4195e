// Hostile inputs (test/support/hostile.ts), a few hundred here; `npm run fuzz`
// runs ten thousand. No crash, no rule failure, no finding outside its file,
// no lint over its time budget, and time bounded in proportion to size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { activeRules } from '../server/src/linter/config';
import { RULES } from '../server/src/linter/registry';
import { sharedAnalyzer } from './support/analyzer';
import { hostileInputs, SHAPES } from './support/hostile';

const CLI = resolve(__dirname, '../../dist/cli.js');

function fixtureTexts(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) fixtureTexts(path, into);
    else if (name.endsWith('.go')) into.push(readFileSync(path, 'utf8'));
  }
  return into;
}

/** Every rule on, every hidden case shown: the most work a file can cause. */
const EVERYTHING = activeRules({ rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])) });

describe('hostile inputs', () => {
  test('300 generated inputs: no crash, no failure, findings inside the file, time in proportion to size', async () => {
    const analyzer = await sharedAnalyzer();
    const seeds = fixtureTexts(resolve(__dirname, '../../test/fixtures'));
    const problems: string[] = [];
    for (const input of hostileInputs(13, 300, seeds, 1500)) {
      const started = performance.now();
      const result = analyzer.lintText('/hostile/input.go', input.text, EVERYTHING);
      const ms = performance.now() - started;
      // A generous bound for a noisy machine: 250 ms plus 25 seconds per megabyte (typical code lints at about 0.5).
      const bound = 250 + (25 * Buffer.byteLength(input.text)) / 1024;
      if (ms > bound) problems.push(`${input.name}: ${ms.toFixed(0)} ms, over ${bound.toFixed(0)} ms`);
      for (const failure of result.failures) problems.push(`${input.name}: rule ${failure.ruleId} failed: ${String(failure.error)}`);
      if (result.stopped) problems.push(`${input.name}: stopped at the time budget`);
      for (const f of result.findings) if (!(0 <= f.start && f.start <= f.end && f.end <= input.text.length)) problems.push(`${input.name}: ${f.ruleId} at ${f.start}-${f.end}`);
    }
    assert.deepEqual(problems, []);
  });

  test('each shape at five thousand levels lints without failing, and at a thousand within the budget', async () => {
    const analyzer = await sharedAnalyzer();
    for (const [name, shape] of Object.entries(SHAPES)) {
      assert.deepEqual(analyzer.lintText('/hostile/deep.go', shape(5000), EVERYTHING).failures, [], name);
      assert.equal(analyzer.lintText('/hostile/deep.go', shape(1000), EVERYTHING).stopped, undefined, name);
    }
  });

  test('the CLI reads invalid UTF-8, NUL bytes, a BOM and lone carriage returns without failing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-hostile-'));
    const leak = 'package p\n\nimport "context"\n\nfunc f(parent context.Context) {\n\tctx, cancel := context.WithCancel(parent)\n\t_ = ctx\n}\n';
    writeFileSync(join(dir, 'utf8.go'), Buffer.concat([Buffer.from(leak.slice(0, 40)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00]), Buffer.from(leak.slice(40))]));
    writeFileSync(join(dir, 'bom.go'), `\ufeff${leak}`);
    // Go ends a line at \n only, so a lone \r inside a comment keeps the code valid; LSP and SARIF count it as a line break.
    writeFileSync(join(dir, 'cr.go'), `// one\rtwo\n${leak}`);
    writeFileSync(join(dir, 'nul.go'), Buffer.alloc(4096));
    const result = spawnSync(process.execPath, [CLI, '--format', 'json', '--jobs', '1', '.'], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.equal(result.status, 1);
    const findings = JSON.parse(result.stdout).findings.map((f: { path: string; ruleId: string; range: { startLine: number } }) => `${f.path}:${f.range.startLine} ${f.ruleId}`);
    assert.deepEqual(findings.sort(), ['bom.go:6 lost-cancel', 'cr.go:8 lost-cancel', 'utf8.go:6 lost-cancel']);
  });
});
