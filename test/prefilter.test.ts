// Skipping before parsing: a file is linted (parsed for itself) only when
// some rule may fire on it, decided from its text and its package's (the
// tokens, then each rule's mayFire); what is skipped holds no finding.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { scanReader } from '../server/src/engine/package';
import { Analyzer } from '../server/src/linter/analyzer';
import { FileScanner } from '../server/src/workspace/scan-file';

const FILES: Record<string, string> = {
  // Declares a struct holding a sync.Map: the only file that names the type.
  'cache.go': 'package p\n\nimport "sync"\n\ntype Cache struct {\n\tm sync.Map\n}\n',
  // Copies a Cache without naming sync.Map: found through the package.
  'use.go': 'package p\n\nfunc use(c Cache) int {\n\treturn 0\n}\n',
  // Names a WaitGroup (a copy of one could be here).
  'group.go': 'package p\n\nimport "sync"\n\nfunc group(wg *sync.WaitGroup) {\n\twg.Wait()\n}\n',
  // A goroutine in a package with a WaitGroup, but no Add for waitgroup-add-in-goroutine.
  'plain.go': 'package p\n\nfunc plain(tick func()) {\n\tgo func() { tick() }()\n}\n',
  // A nil context for a function of the package declared elsewhere.
  'call.go': 'package p\n\nfunc call() {\n\trun(nil, 1)\n}\n',
  // Holds nil-context's and context-growth-in-loop's words, but passes no nil and derives no context.
  'run.go': 'package p\n\nimport "context"\n\nfunc run(ctx context.Context, n int) {\n\t<-ctx.Done()\n}\n',
};

/** The rules that decide by more than their words (mayFire). */
const RULES = ['syncmap-by-value', 'waitgroup-by-value', 'waitgroup-add-in-goroutine', 'nil-context', 'missing-context-variant', 'syncmap-unhashable-key', 'context-growth-in-loop'];

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcl-prefilter-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Scans the files; `linted` are those parsed for themselves, `packageReads` counts the finer tests' looks at the package. */
async function scan(noSkip: boolean, dir = project(), cacheDir?: string): Promise<{ findings: string[]; linted: Set<string>; packageReads: number }> {
  const analyzer = await Analyzer.create({ wasmDirectory: __dirname, keepTrees: true, reader: scanReader() });
  const linted = new Set<string>();
  const lintText = analyzer.lintText.bind(analyzer);
  analyzer.lintText = (path, ...rest) => {
    linted.add(basename(path));
    return lintText(path, ...rest);
  };
  let packageReads = 0;
  const siblingMentions = analyzer.packages.siblingMentions.bind(analyzer.packages);
  analyzer.packages.siblingMentions = (...args) => {
    packageReads++;
    return siblingMentions(...args);
  };
  const scanner = new FileScanner(analyzer, { config: { only: RULES }, noSkip, cacheDir });
  const findings = Object.keys(FILES)
    .sort()
    .flatMap((name) => scanner.scan(join(dir, name)).findings.map((f) => `${name}:${f.start} ${f.ruleId}`));
  return { findings, linted, packageReads };
}

describe('skipping files before parsing them', () => {
  test('findings through the package are kept; files that cannot hold one are not linted', async () => {
    const skipping = await scan(false);
    const parsingAll = await scan(true);
    assert.deepEqual(skipping.findings, parsingAll.findings);
    assert.deepEqual(
      skipping.findings.map((f) => f.replace(/:\d+/, '')),
      ['call.go nil-context', 'use.go syncmap-by-value'],
    );
    assert.deepEqual([...skipping.linted].sort(), ['cache.go', 'call.go', 'group.go', 'use.go']);
    assert.equal(parsingAll.linted.size, Object.keys(FILES).length);
  });

  test('a warm cache answers for the skipped files too: the finer tests do not read the package again', async () => {
    const dir = project();
    const cache = mkdtempSync(join(tmpdir(), 'gcl-prefilter-cache-'));
    const cold = await scan(false, dir, cache);
    const warm = await scan(false, dir, cache);
    assert.ok(cold.packageReads > 0);
    assert.equal(warm.packageReads, 0);
    assert.equal(warm.linted.size, 0);
    assert.deepEqual(warm.findings, cold.findings);
  });
});
