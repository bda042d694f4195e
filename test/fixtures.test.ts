// Fixture tests: for every rule, test/fixtures/<rule-id>/**/*.go hold
// annotated expected findings (see support/annotations.ts); each file with a
// preferred fix has the fixed text beside it as <name>.go.golden.
// UPDATE_GOLDEN=1 rewrites the golden files from the current output.
// Rules run at their defaults; a file with the line `// fixture: configured`
// runs its rule as configured by the user (the cases hidden by default too).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { applyEdits, preferredEdits } from '../server/src/linter/fixes';
import { LineIndex } from '../server/src/engine/positions';
import { RULES } from '../server/src/linter/registry';
import type { Finding, RelatedLocation } from '../server/src/ruleapi/rule';
import { lint, parsesCleanly } from './support/analyzer';
import { readAnnotations, readElsewhere, type ExpectedRange } from './support/annotations';

const FIXTURES = resolve(__dirname, '../../test/fixtures');

function goFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return goFiles(path);
    return name.endsWith('.go') ? [path] : [];
  });
}

function describeRange(lines: LineIndex, span: { start: number; end: number }): string {
  const s = lines.position(span.start);
  const e = lines.position(span.end);
  return s.line === e.line ? `${s.line + 1}:${s.character + 1}-${e.character + 1}` : `${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1}`;
}

function describeExpected(r: ExpectedRange): string {
  return `${r.line + 1}:${r.start + 1}-${r.end + 1}`;
}

function relatedHere(finding: Finding, path: string): RelatedLocation[] {
  return finding.related.filter((r) => !r.path || r.path === path);
}

test('every rule has fixtures and a doc', () => {
  for (const rule of RULES) {
    assert.ok(existsSync(join(FIXTURES, rule.id)), `test/fixtures/${rule.id}/ is missing`);
    assert.ok(existsSync(resolve(FIXTURES, '../../docs/rules', `${rule.id}.md`)), `docs/rules/${rule.id}.md is missing`);
  }
});

/** The fixture's findings of `rule`, linted as the fixture asks (at the defaults, or configured). */
async function fixtureFindings(path: string, text: string, rule: (typeof RULES)[number]): Promise<Finding[]> {
  // `// fixture: configured` runs the rule as a user who set its severity would: every case, the ones hidden by default too.
  const configured = /^\/\/ fixture: configured$/m.test(text);
  return lint(path, text, configured ? { only: [rule.id], rules: { [rule.id]: rule.defaultSeverity } } : { only: [rule.id] });
}

for (const rule of RULES) {
  const dir = join(FIXTURES, rule.id);
  if (!existsSync(dir)) continue;
  describe(rule.id, () => {
    // Related locations in another file of the package (a callee's send, a caller's early exit): marked `&` there.
    const packages = new Map<string, string[]>();
    for (const path of goFiles(dir)) packages.set(dirname(path), [...(packages.get(dirname(path)) ?? []), path]);
    for (const [pkg, files] of packages) {
      const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
      const expected = files.flatMap((f) => readElsewhere(texts.get(f)!).filter((m) => m.ruleId === rule.id).map((m) => `${basename(f)}:${describeExpected(m)}`));
      if (expected.length === 0) continue;
      test(`${relative(dir, pkg) || '.'}: related locations in other files`, async () => {
        const actual: string[] = [];
        for (const path of files) {
          for (const finding of await fixtureFindings(path, texts.get(path)!, rule)) {
            for (const r of finding.related) {
              if (!r.path || r.path === path) continue;
              const other = texts.get(resolve(r.path)) ?? readFileSync(r.path, 'utf8');
              actual.push(`${basename(r.path)}:${describeRange(new LineIndex(other), r)}`);
            }
          }
        }
        assert.deepEqual([...new Set(actual)].sort(), expected.sort());
      });
    }
    for (const path of goFiles(dir)) {
      test(relative(dir, path), async () => {
        const text = readFileSync(path, 'utf8');
        const lines = new LineIndex(text);
        const expected = readAnnotations(text).filter((a) => a.ruleId === rule.id);
        const findings = await fixtureFindings(path, text, rule);

        const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;
        const actual = findings.map((f) => `${describeRange(lines, f)} ${f.ruleId} [${relatedHere(f, path).sort(byStart).map((r) => describeRange(lines, r)).join(', ')}]`);
        const wanted = expected.map((e) => {
          const related = e.related.map((r) => ({ r, start: lines.offset({ line: r.line, character: r.start }) })).sort(byStart);
          return `${describeExpected(e)} ${e.ruleId} [${related.map(({ r }) => describeExpected(r)).join(', ')}]`;
        });
        assert.deepEqual(actual, wanted, 'findings (line:column ranges, 1-based, UTF-16) differ from the annotations');
        expected.forEach((e, i) => {
          if (e.message) assert.ok(findings[i].message.includes(e.message), `message "${findings[i].message}" lacks "${e.message}"`);
        });

        for (const finding of findings) {
          for (const fix of finding.fixes) {
            const fixed = applyEdits(text, fix.edits);
            assert.ok(await parsesCleanly(fixed), `fix "${fix.title}" at ${describeRange(lines, finding)} leaves a file that does not parse`);
          }
        }

        const edits = preferredEdits(findings);
        const goldenPath = `${path}.golden`;
        if (edits.length === 0) {
          assert.ok(!existsSync(goldenPath), `${relative(FIXTURES, goldenPath)} exists but no preferred fix applies`);
          return;
        }
        const fixed = applyEdits(text, edits);
        if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, fixed);
        assert.ok(existsSync(goldenPath), `${relative(FIXTURES, goldenPath)} is missing; the fixed text would be:\n${fixed}`);
        assert.equal(fixed, readFileSync(goldenPath, 'utf8'), 'fixed text differs from the golden file');
        assert.ok(await parsesCleanly(fixed), 'the fixed file does not parse');
      });
    }
  });
}
