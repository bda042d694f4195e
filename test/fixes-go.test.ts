// Every fix of every fixture, checked by Go itself: the fixed file is
// gofmt-clean, and its package still type-checks and gets no go vet
// diagnostic that the original did not have (vet's lostcancel and copylocks
// findings go away with our fixes). Needs Go: skipped, saying so, without it.
// A fixture package that does not type-check as it is (it needs a newer Go
// than the machine's, or golang.org/x/sync, which is not downloaded here) is
// left out of the vet check and named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import type { GoVersion } from '../server/src/engine/gomod';
import { Analyzer } from '../server/src/linter/analyzer';
import { activeRules } from '../server/src/linter/config';
import { applyEdits, preferredEdits } from '../server/src/linter/fixes';
import { RULES } from '../server/src/linter/registry';
import { sharedAnalyzer } from './support/analyzer';

const FIXTURES = resolve(__dirname, '../../test/fixtures');
const go = spawnSync('go', ['version'], { encoding: 'utf8' });
const GO_MISSING = go.error || go.status !== 0 ? `Go is not installed (${go.error?.message ?? go.stderr.trim()}): the fixes are not checked by gofmt and go vet` : false;

interface FixedText {
  /** The fixture directory (a Go package) and file. */
  dir: string;
  file: string;
  /** What was applied: a fix's title, or "all preferred fixes". */
  what: string;
  text: string;
}

/** The installed Go's version: fixes are made for it in the vet check (CompareAndSwap, say, needs Go 1.20). */
const GO_VERSION = ((m) => (m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined))(/go(\d+)\.(\d+)/.exec(go.stdout ?? ''));

/** Every fix of every finding, alone, and all preferred fixes together, for each fixture file (for `goVersion` when given). */
async function fixedTexts(goVersion?: GoVersion): Promise<FixedText[]> {
  const analyzer = goVersion ? await Analyzer.create({ wasmDirectory: __dirname, goVersion }) : await sharedAnalyzer();
  const everything = activeRules({ rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])) });
  const out: FixedText[] = [];
  for (const dir of readdirSync(FIXTURES).sort()) {
    if (!statSync(join(FIXTURES, dir)).isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.go')).sort()) {
      const path = join(FIXTURES, dir, file);
      const text = readFileSync(path, 'utf8');
      const { findings } = analyzer.lintText(path, text, everything);
      for (const finding of findings) for (const fix of finding.fixes) out.push({ dir, file, what: `${finding.ruleId}: ${fix.title}`, text: applyEdits(text, fix.edits) });
      const preferred = preferredEdits(findings);
      if (preferred.length) out.push({ dir, file, what: 'all preferred fixes', text: applyEdits(text, preferred) });
    }
  }
  return out;
}

/** go vet's output for one package: type errors (the package does not check) and vet diagnostics, without positions or line numbers (a fix moves lines). */
function vet(module: string, dir: string): { typeErrors: string[]; diagnostics: string[] } {
  const result = spawnSync('go', ['vet', `./${dir}`], { cwd: module, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off' } });
  const lines = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l && !l.startsWith('#'));
  const typeErrors = lines.filter((l) => /^vet: |no required module|cannot find package|^\S+\.go:\d+:\d+: .*(undefined|redeclared|cannot|mismatched|expected)/.test(l));
  const diagnostics = lines.filter((l) => !typeErrors.includes(l) && /^\S+\.go:\d+:\d+: /.test(l)).map((l) => l.replace(/^(\S+\.go):\d+:\d+: /, '$1: ').replace(/\d+/g, 'N'));
  return { typeErrors, diagnostics };
}

describe('fixes checked by Go', { skip: GO_MISSING }, () => {
  test('every fix leaves the file gofmt-clean', async () => {
    const fixed = await fixedTexts();
    assert.ok(fixed.length > 50, `only ${fixed.length} fixes found`);
    const dir = mkdtempSync(join(tmpdir(), 'gcl-gofmt-'));
    fixed.forEach((f, i) => writeFileSync(join(dir, `${i}.go`), f.text));
    const result = spawnSync('gofmt', ['-l', dir], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const unformatted = result.stdout.split('\n').filter(Boolean).map((p) => {
      const f = fixed[Number(/(\d+)\.go$/.exec(p)![1])];
      return `${f.dir}/${f.file} after ${f.what}`;
    });
    assert.deepEqual(unformatted, []);
  });

  test('every fix keeps its package type-checking and adds no go vet diagnostic', async () => {
    const fixed = await fixedTexts(GO_VERSION);
    const module = mkdtempSync(join(tmpdir(), 'gcl-vet-'));
    // A module at the installed Go's version; fixtures that need a newer Go fail to type-check and are left out.
    writeFileSync(join(module, 'go.mod'), `module example.com/fixtures\n\ngo ${GO_VERSION?.major ?? 1}.${GO_VERSION?.minor ?? 19}\n`);
    const original = new Map<string, ReturnType<typeof vet>>();
    const leftOut = new Set<string>();
    const problems: string[] = [];
    let checked = 0;
    for (const f of fixed) {
      const work = join(module, f.dir);
      cpSync(join(FIXTURES, f.dir), work, { recursive: true, filter: (p) => !p.endsWith('.golden') });
      if (!original.has(f.dir)) original.set(f.dir, vet(module, f.dir));
      const before = original.get(f.dir)!;
      if (before.typeErrors.length) {
        leftOut.add(`${f.dir} (${before.typeErrors[0]})`);
        continue;
      }
      writeFileSync(join(work, f.file), f.text);
      const after = vet(module, f.dir);
      checked++;
      if (after.typeErrors.length) problems.push(`${f.dir}/${f.file} after ${f.what}: ${after.typeErrors.join('; ')}`);
      const remaining = [...before.diagnostics];
      for (const d of after.diagnostics) {
        const i = remaining.indexOf(d);
        if (i < 0) problems.push(`${f.dir}/${f.file} after ${f.what}: new vet diagnostic ${d}`);
        else remaining.splice(i, 1);
      }
    }
    if (leftOut.size) console.log(`fixture packages left out of the vet check (they do not type-check here as they are): ${[...leftOut].join(', ')}`);
    assert.ok(checked > 30, `only ${checked} fixes were vetted`);
    assert.deepEqual(problems, []);
  });
});
