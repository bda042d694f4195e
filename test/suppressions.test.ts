// Suppression comments: this tool's own forms, and the comments users of
// golangci-lint, staticcheck, go vet and gosec already wrote for the same
// problem (Rule.peers), on the line, or alone before a statement.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RULES_BY_ID } from '../server/src/linter/registry';
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
