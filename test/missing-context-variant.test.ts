// missing-context-variant beyond the fixtures: the severity of each case, and
// the fixes that are not preferred (the fixture goldens only apply preferred
// ones), including the context import they add.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../server/src/linter/fixes';
import { lint } from './support/analyzer';

const ID = 'missing-context-variant';
const PATH = '/nonexistent/p/p.go';

async function findings(text: string, config = {}) {
  return lint(PATH, text, { only: [ID], ...config });
}

const BOTH = `package p

import (
	"context"
	"os/exec"
)

func withContext(ctx context.Context) error {
	return exec.Command("true").Run()
}

func withoutContext() error {
	return exec.Command("true").Run()
}
`;

describe(ID, () => {
  test('warning when a context is in scope, hint otherwise', async () => {
    assert.deepEqual((await findings(BOTH)).map((f) => f.severity), ['warning', 'hint']);
  });

  test('a configured severity applies to both cases', async () => {
    assert.deepEqual((await findings(BOTH, { rules: { [ID]: 'error' } })).map((f) => f.severity), ['error', 'error']);
  });

  test('the hint case in a test file is not reported; the warning case is', async () => {
    const result = await lint('/nonexistent/p/p_test.go', BOTH, { only: [ID] });
    assert.deepEqual(result.map((f) => f.severity), ['warning']);
  });

  test('no context in scope: context.TODO() with the existing import (aliased), not preferred', async () => {
    const text = `package p

import (
	ctxpkg "context"
	"os/exec"
)

var _ ctxpkg.Context

func run() error {
	return exec.Command("true").Run()
}
`;
    const [finding] = await findings(text);
    assert.equal(finding.fixes.length, 1);
    assert.equal(finding.fixes[0].preferred, undefined);
    assert.match(applyEdits(text, finding.fixes[0].edits), /exec\.CommandContext\(ctxpkg\.TODO\(\), "true"\)\.Run\(\)/);
  });

  const cases: [string, string, string][] = [
    ['a single import becomes a group', 'import "os/exec"\n', 'import (\n\t"context"\n\t"os/exec"\n)\n'],
    ['a single aliased import becomes a group', 'import x "os/exec"\n', 'import (\n\t"context"\n\tx "os/exec"\n)\n'],
    ['into the first group, sorted', 'import (\n\t"fmt"\n\t"os/exec"\n\n\t"example.com/z"\n)\n', 'import (\n\t"context"\n\t"fmt"\n\t"os/exec"\n\n\t"example.com/z"\n)\n'],
    ['at the end of the first group', 'import (\n\t"bytes"\n\n\t"os/exec"\n)\n', 'import (\n\t"bytes"\n\t"context"\n\n\t"os/exec"\n)\n'],
  ];
  for (const [name, imports, expected] of cases) {
    test(`the context import is added: ${name}`, async () => {
      const call = imports.includes('x "os/exec"') ? 'x.Command' : 'exec.Command';
      const text = `package p\n\n${imports}\nfunc run() error {\n\treturn ${call}("true").Run()\n}\n${imports.includes('fmt') ? '\nvar _ = fmt.Sprint\n' : ''}`;
      const [finding] = await findings(text);
      assert.equal(finding.severity, 'hint');
      const fixed = applyEdits(text, finding.fixes[0].edits);
      assert.ok(fixed.includes(`package p\n\n${expected}`), fixed);
      assert.ok(fixed.includes('CommandContext(context.TODO(), "true")'), fixed);
    });
  }

  test('no fix when the name context is taken at the call', async () => {
    const text = `package p

import "os/exec"

func run(context string) error {
	return exec.Command(context).Run()
}
`;
    const [finding] = await findings(text);
    assert.deepEqual(finding.fixes, []);
  });

  test('a fix that would need the context import is not offered for a dot-imported context', async () => {
    const text = `package p

import (
	. "context"
	"os/exec"
)

var _ Context

func run() error {
	return exec.Command("x").Run()
}
`;
    const [finding] = await findings(text);
    assert.deepEqual(finding.fixes, []);
  });

  test('exec.Command started and returned: the fix is offered but not preferred', async () => {
    const text = `package p

import (
	"context"
	"os/exec"
)

func start(ctx context.Context) (*exec.Cmd, error) {
	cmd := exec.Command("sleep", "60")
	return cmd, cmd.Start()
}
`;
    const [finding] = await findings(text);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.fixes.length, 1);
    assert.equal(finding.fixes[0].preferred, false);
  });
});
