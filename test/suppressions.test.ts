// Suppression comments: this tool's own forms, and the comments users of
// golangci-lint, staticcheck, go vet and gosec already wrote for the same
// problem (Rule.peers), on the line, or alone before a statement.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RULES_BY_ID } from '../server/src/linter/registry';
import { applyEdits } from '../server/src/linter/fixes';
import { lint } from './support/analyzer';

const PATH = '/nonexistent/p/p.go';

/** The lines (1-based) of lost-cancel findings in `body`, placed in a function with a context parameter. */
async function lostCancelLines(body: string): Promise<number[]> {
  const text = `package p\n\nimport "context"\n\nfunc f(parent context.Context) {\n${body}\n}\n`;
  const findings = await lint(PATH, text, { only: ['lost-cancel'] });
  return findings.map((f) => text.slice(0, f.start).split('\n').length);
}

const LEAK = '\tctx, cancel := context.WithCancel(parent)\n\t_ = ctx\n\t_ = cancel';

describe('suppressions', () => {
  test('an unsuppressed leak is reported (the baseline of the cases below)', async () => {
    assert.deepEqual(await lostCancelLines(LEAK.replace('\t_ = cancel', '')), [6]);
  });

  for (const [name, comment] of [
    ['//nolint:govet (vet lostcancel)', '//nolint:govet'],
    ['//nolint:lost-cancel', '//nolint:lost-cancel'],
    ['//nolint (all linters)', '//nolint'],
    ['#nosec G118 (gosec)', '// #nosec G118 -- released by the caller'],
    ['#nosec without a code', '// #nosec'],
  ]) {
    test(`${name} at the end of the line`, async () => {
      assert.deepEqual(await lostCancelLines(`\tctx, cancel := context.WithCancel(parent) ${comment}\n\t_ = ctx`), []);
    });
  }

  test('a directive alone on a line covers the whole next statement', async () => {
    const text = `package p

import "context"

func f(parent context.Context) {
	//nolint:govet // the caller cancels through parent
	ctx, cancel :=
		context.WithCancel(parent)
	_ = ctx
}
`;
    assert.deepEqual(await lint(PATH, text, { only: ['lost-cancel'] }), []);
  });

  test("another linter's directive does not silence this rule", async () => {
    assert.deepEqual(await lostCancelLines(`\tctx, cancel := context.WithCancel(parent) //nolint:errcheck\n\t_ = ctx`), [6]);
    assert.deepEqual(await lostCancelLines(`\tctx, cancel := context.WithCancel(parent) // #nosec G104\n\t_ = ctx`), [6]);
  });

  test('staticcheck codes: //lint:ignore SA1012 and //nolint:staticcheck silence nil-context', async () => {
    const text = (comment: string) => `package p

import "context"

func f() {
	${comment}
	_, _ = context.WithCancel(nil)
}
`;
    assert.equal((await lint(PATH, text(''), { only: ['nil-context'] })).length, 1);
    assert.deepEqual(await lint(PATH, text('//lint:ignore SA1012 testing the nil check'), { only: ['nil-context'] }), []);
    assert.deepEqual(await lint(PATH, text('//nolint:staticcheck'), { only: ['nil-context'] }), []);
    assert.equal((await lint(PATH, text('//lint:ignore SA1029 another check'), { only: ['nil-context'] })).length, 1);
  });

  test('every peer named in the README table is declared by a rule', () => {
    const declared = new Set([...RULES_BY_ID.values()].flatMap((r) => (r.peers ?? []).flatMap((p) => [p.linter, ...(p.checks ?? [])])));
    for (const name of ['govet', 'lostcancel', 'copylocks', 'staticcheck', 'SA1012', 'SA1015', 'SA1029', 'SA2000', 'SA6002', 'gosec', 'G118', 'contextcheck', 'noctx', 'containedctx', 'fatcontext']) {
      assert.ok(declared.has(name), name);
    }
  });
});

describe('unused suppressions (reportUnusedSuppressions)', () => {
  const REPORT = { reportUnusedSuppressions: true };
  const source = (line6: string, extra = '') => `package p

import "context"

func f(parent context.Context) {
${line6}
	_ = ctx
}
${extra}`;

  /** The unused-suppression findings as [line (1-based), text it covers, message], and the text after each one's first fix. */
  async function unused(text: string, config = {}): Promise<{ found: [number, string, string][]; fixed: string[] }> {
    const findings = (await lint(PATH, text, config, REPORT)).filter((f) => f.ruleId === 'unused-suppression');
    return {
      found: findings.map((f) => [text.slice(0, f.start).split('\n').length, text.slice(f.start, f.end), f.message]),
      fixed: findings.map((f) => applyEdits(text, f.fixes[0].edits)),
    };
  }

  test('a directive that silences a finding is used; the same directive on a line without one is reported, and its fix removes it', async () => {
    assert.deepEqual((await unused(source('\tctx, cancel := context.WithCancel(parent) //nolint:lost-cancel // the caller cancels parent'))).found, []);
    const text = source('\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel() //nolint:lost-cancel // the caller cancels parent');
    const { found, fixed } = await unused(text);
    assert.deepEqual(found, [[7, 'lost-cancel', 'this suppression of lost-cancel silences nothing: lost-cancel finds no problem on the line it covers (7)']]);
    assert.equal(fixed[0], text.replace(' //nolint:lost-cancel // the caller cancels parent', ''));
  });

  test('one unused name of several is removed with its comma; a directive alone on its line goes with its line', async () => {
    const several = source('\tctx, cancel := context.WithCancel(parent) //nolint:discarded-cancel,lost-cancel,errcheck');
    const first = await unused(several);
    assert.deepEqual(first.found.map((f) => f[1]), ['discarded-cancel']);
    assert.equal(first.fixed[0], several.replace('discarded-cancel,', ''));
    const alone = source('\t//lint:ignore discarded-cancel nothing to see\n\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel()');
    const second = await unused(alone);
    assert.deepEqual(second.found.map((f) => f[0]), [6]);
    assert.equal(second.fixed[0], alone.replace('\t//lint:ignore discarded-cancel nothing to see\n', ''));
  });

  test('a misspelled rule id is reported with the nearest one; fixes replace or remove it, neither preferred', async () => {
    const text = source('\tctx, cancel := context.WithCancel(parent) //nolint:lost-cancle');
    const findings = (await lint(PATH, text, {}, REPORT)).filter((f) => f.ruleId === 'unused-suppression');
    assert.deepEqual(findings.map((f) => f.message), ['"lost-cancle" is not a rule of go-concurrency-lint (did you mean "lost-cancel"?), so this suppression silences nothing']);
    assert.deepEqual(findings[0].fixes.map((f) => [f.title, !!f.preferred]), [['Replace with lost-cancel', false], ['Remove lost-cancle from this suppression', false]]);
    assert.equal(applyEdits(text, findings[0].fixes[0].edits), text.replace('lost-cancle', 'lost-cancel'));
  });

  test("other tools' names, all, a bare //nolint, peers and rules that did not run are never reported", async () => {
    for (const comment of ['//nolint:errcheck', '//nolint:all', '//nolint', '//nolint:govet', '// #nosec G118', '//nolint:goroutine-without-exit']) {
      const text = source(`\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel() ${comment}`);
      assert.deepEqual((await unused(text)).found, [], comment);
    }
    // lost-cancel turned off: its directive cannot be judged.
    const text = source('\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel() //nolint:lost-cancel');
    assert.deepEqual((await unused(text, { rules: { 'lost-cancel': 'off' } })).found, []);
  });

  test('a directive of a finding that the rule hides by default (in a test file) is used', async () => {
    const text = source('\tctx, cancel := context.WithCancel(parent) //nolint:lost-cancel // test helper');
    const findings = await lint('/nonexistent/p/p_test.go', text, {}, REPORT);
    assert.deepEqual(findings, []);
  });

  test('//lint:file-ignore and the tool name: used when they silence something, reported when not', async () => {
    const leak = source('\tctx, cancel := context.WithCancel(parent)');
    assert.deepEqual((await unused(`//lint:file-ignore go-concurrency-lint reviewed\n${leak}`)).found, []);
    const clean = source('\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel()');
    assert.deepEqual((await unused(`${clean}\n//lint:file-ignore lost-cancel reviewed\n`)).found.map((f) => f[2]), ['this suppression of lost-cancel silences nothing: lost-cancel finds no problem in this file']);
  });
});
