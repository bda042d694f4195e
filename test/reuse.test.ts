// Re-linting only what an edit can change (server/src/linter/reuse.ts) must
// give the whole lint's findings, after every edit: checked on random edit
// sequences of every fixture, the examples and (when Go is installed) a
// sample of the standard library, with every rule configured so that every
// case of every rule reports. GCL_REUSE_SEQUENCES sets how many edits per file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { activeRules } from '../server/src/linter/config';
import type { LintMemo } from '../server/src/linter/reuse';
import { RULES } from '../server/src/linter/registry';
import type { Finding } from '../server/src/ruleapi/rule';
import { sharedAnalyzer } from './support/analyzer';
import { goFiles } from './support/go-files';
import { random } from './support/hostile';

const EDITS = Number(process.env.GCL_REUSE_EDITS ?? 12);
const rules = activeRules({ rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])) });

/** Statements and words an edit inside a function body puts in: findings made and unmade, calls of the file's functions, half-typed code. */
const INSERTS = [
  'ctx, cancel := context.WithCancel(ctx)\n',
  'defer cancel()\n',
  'cancel()\n',
  'return\n',
  'return nil\n',
  'go func() { for { work() } }()\n',
  'for { select { case <-ch: } }\n',
  'ch <- v\n',
  '<-done\n',
  'wg.Add(1)\n',
  'x := s.cancel\n',
  'panic("x")\n',
  'if err != nil {\n\treturn err\n}\n',
  'f(',
  'x',
  '//nolint:lost-cancel\n',
];

function standardLibrarySample(): string[] {
  try {
    const src = realpathSync(join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src'));
    return ['context/context.go', 'net/http/transport.go', 'net/http/server.go', 'os/exec/exec.go', 'sync/pool.go', 'net/http/httputil/reverseproxy.go', 'database/sql/sql.go', 'net/http/h2_bundle.go']
      .map((p) => join(src, p))
      .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
  } catch {
    return [];
  }
}

/** The bodies of the file's functions: [start, end) of the text between their braces. */
function bodies(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(/^func [^\n]*\{\n/gm)) {
    const start = m.index! + m[0].length;
    const end = text.indexOf('\n}\n', start);
    if (end > start) out.push([start, end + 1]);
  }
  return out;
}

/** An edit inside a function body mostly (as typing is), sometimes anywhere. */
function randomEdit(text: string, next: () => number): string {
  const spans = bodies(text);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const [from, to] = spans.length && next() < 0.9 ? pick(spans) : [0, text.length];
  const at = from + Math.floor(next() * (to - from));
  const roll = next();
  if (roll < 0.45) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    return text.slice(0, lineStart) + pick(INSERTS) + text.slice(lineStart);
  }
  if (roll < 0.65) {
    // Delete a line.
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const lineEnd = text.indexOf('\n', at);
    return lineEnd < 0 ? text : text.slice(0, lineStart) + text.slice(lineEnd + 1);
  }
  if (roll < 0.7) {
    // Add a function, remove one, or edit a signature or a comment.
    const which = next();
    if (which < 0.3) return text.replace(/\n$/, '') + `\n\nfunc ${pick(['added', 'cancel', 'work', 'ctx'])}(ctx context.Context) {\n\tgo func() { for { work() } }()\n}\n`;
    const fn = pick([...text.matchAll(/^(\/\/[^\n]*\n)*func [^\n]*\{\n[\s\S]*?\n\}\n/gm)]);
    if (!fn) return text;
    if (which < 0.5) return text.slice(0, fn.index) + text.slice(fn.index! + fn[0].length);
    if (which < 0.75) return text.replace(fn[0], fn[0].replace('(', '(extra int, '));
    return text.slice(0, fn.index) + pick(['// detached\n', '// Run runs until the process exits.\n', '//nolint:goroutine-without-exit\n']) + text.slice(fn.index);
  }
  if (roll < 0.85) {
    // Replace a word with another word of the file (a rename, a call of another function).
    const words = text.slice(from, to).match(/[A-Za-z_]\w*/g) ?? ['x'];
    const word = /[A-Za-z_]\w*/.exec(text.slice(at));
    if (!word) return text;
    const start = at + word.index;
    return text.slice(0, start) + pick(words) + text.slice(start + word[0].length);
  }
  // Type or delete a character.
  return next() < 0.5 ? text.slice(0, at) + pick(['a', ' ', '.', '\n', '"']) + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
}

const key = (findings: readonly Finding[]) => JSON.stringify(findings);

describe('re-linting only the declarations an edit can change', () => {
  const root = resolve(__dirname, '../..');
  const files = [...goFiles(join(root, 'test/fixtures')), ...goFiles(join(root, 'examples')), ...standardLibrarySample()].filter((f) => f.includes(process.env.GCL_REUSE_ONLY ?? ''));

  test(`equals the whole lint after each of ${EDITS} random edits of ${files.length} files`, { timeout: 600_000 }, async () => {
    const analyzer = await sharedAnalyzer();
    let edits = 0;
    let reused = 0;
    for (const path of files) {
      // Each file its own sequence (GCL_REUSE_ONLY replays one).
      const next = random([...path.slice(root.length)].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261));
      let text = readFileSync(path, 'utf8');
      let memo: LintMemo | undefined;
      for (let i = 0; i <= EDITS; i++) {
        const previous = text;
        if (i > 0) text = randomEdit(text, next);
        const siblings = analyzer.packages.siblingTexts(path);
        const tree = analyzer.parser.parse(text);
        try {
          const incremental = analyzer.lintTree(path, text, tree, rules, { reuse: { previous: memo, siblings }, reportUnusedSuppressions: true });
          const whole = analyzer.lintTree(path, text, tree, rules, { reportUnusedSuppressions: true });
          assert.equal(key(incremental.findings), key(whole.findings), `${path} after edit ${i}:\n${text}\n---- before it:\n${previous}`);
          memo = incremental.memo;
          edits++;
          if (incremental.relinted !== undefined) reused++;
        } finally {
          tree.delete();
        }
      }
    }
    // Most edits are inside function bodies: most lints reuse (else this test checks nothing).
    assert.ok(EDITS === 0 || reused > edits / 3, `only ${reused} of ${edits} lints reused findings`);
  });

  test('an edit inside one function lints that function, the ones that mention it and the ones that depend on its words', async () => {
    const analyzer = await sharedAnalyzer();
    const path = '/tmp/gcl-reuse/scratch.go';
    const before = [
      'package p',
      '',
      'import "context"',
      '',
      'func leaks(ctx context.Context) {',
      '\tctx, cancel := context.WithCancel(ctx)',
      '\t_ = ctx',
      '}',
      '',
      'func helper() int {',
      '\treturn 1',
      '}',
      '',
      'func caller() int {',
      '\treturn helper()',
      '}',
      '',
      'func other(ctx context.Context) {',
      '\tctx, cancel := context.WithCancel(ctx)',
      '\t_ = ctx',
      '}',
      '',
    ].join('\n');
    const lintOnce = (text: string, previous?: LintMemo) => {
      const tree = analyzer.parser.parse(text);
      try {
        return analyzer.lintTree(path, text, tree, rules, { reuse: { previous, siblings: [] } });
      } finally {
        tree.delete();
      }
    };
    const first = lintOnce(before);
    assert.equal(first.relinted, undefined);
    assert.deepEqual(first.findings.map((f) => before.slice(f.start, f.end)), ['context.WithCancel', 'context.WithCancel']);
    const after = before.replace('\treturn 1', '\treturn 2');
    const second = lintOnce(after, first.memo);
    // helper changed; caller mentions it; leaks and other are kept.
    assert.equal(second.relinted, 2);
    assert.deepEqual(second.findings, first.findings);
    // An edit above moves the kept findings.
    const third = lintOnce(after.replace('\t_ = ctx\n}\n\nfunc helper', '\t_ = ctx\n\t_ = 1\n}\n\nfunc helper'), second.memo);
    assert.equal(third.relinted, 1);
    assert.deepEqual(third.findings.map((f) => f.start - first.findings[0].start), [0, first.findings[1].start - first.findings[0].start + '\t_ = 1\n'.length]);
    // A changed signature: the function and its callers.
    assert.equal(lintOnce(after.replace('func helper() int', 'func helper() int64'), second.memo).relinted, 2);
    // A field read added elsewhere: the declaration whose finding depends on that field being read is linted again.
    const stored = [
      'package p',
      '',
      'import "context"',
      '',
      'type S struct{ cancel context.CancelFunc }',
      '',
      'func New(ctx context.Context) *S {',
      '\t_, cancel := context.WithCancel(ctx)',
      '\treturn &S{cancel: cancel}',
      '}',
      '',
      'func (s *S) Other() {}',
      '',
    ].join('\n');
    const unread = lintOnce(stored);
    assert.deepEqual(unread.findings.map((f) => f.ruleId), ['lost-cancel']);
    const read = lintOnce(stored.replace('func (s *S) Other() {}', 'func (s *S) Other() { s.cancel() }'), unread.memo);
    assert.equal(read.relinted, 2);
    assert.deepEqual(read.findings, []);
    // A function added: the whole file (fixes pick names no function has).
    assert.equal(lintOnce(after + 'func added() {}\n', second.memo).relinted, undefined);
    // A changed type declaration lints the whole file.
    assert.equal(lintOnce(after + 'type T struct{}\n', second.memo).relinted, undefined);
    assert.equal(lintOnce(after.replace('import "context"', 'import (\n\t"context"\n)'), second.memo).relinted, undefined);
  });
});
