// What a file's code is for (engine/file.ts codeKindOf), which decides the
// cases some rules show by default, and the module root it is judged from.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeKindOf } from '../server/src/engine/file';
import { GoModIndex } from '../server/src/engine/gomod';

describe('code kinds', () => {
  test('tests, test support, examples, programs and libraries', () => {
    const cases: [string, string, string][] = [
      ['/r/pkg/a_test.go', 'pkg', 'test'],
      ['/r/internal/testutil/a.go', 'testutil', 'test-support'],
      ['/r/tests/integration/suite/x/a.go', 'x', 'test-support'],
      ['/r/pkg/fake_client.go', 'pkg', 'test-support'],
      ['/r/pkg/testing.go', 'pkg', 'test-support'],
      ['/r/servertest/a.go', 'servertest', 'test-support'],
      ['/r/latest/a.go', 'latest', 'library'],
      ['/r/examples/demo/a.go', 'demo', 'example'],
      ['/r/tool/main.go', 'main', 'program'],
      ['/r/cmd/tool/cli/debug.go', 'cli', 'program'],
      ['/r/command/agent.go', 'command', 'program'],
      ['/r/cmd/server.go', 'cmd', 'library'],
      ['/r/pkg/server.go', 'pkg', 'library'],
    ];
    for (const [path, pkg, kind] of cases) assert.equal(codeKindOf(path, pkg, '/r'), kind, path);
  });

  test('only directories inside the module count: a checkout under a tests/ folder is not test code', () => {
    assert.equal(codeKindOf('/home/me/tests/proj/pkg/a.go', 'pkg', '/home/me/tests/proj'), 'library');
    // Without a go.mod, the four directories nearest the file decide.
    assert.equal(codeKindOf('/home/me/tests/a/b/c/d/pkg/a.go', 'pkg'), 'library');
    assert.equal(codeKindOf('/home/me/proj/testutil/a.go', 'testutil'), 'test-support');
  });

  test("the outermost module: a nested module under tests/ is the repository's test code", () => {
    const mods: Record<string, string> = { '/r/go.mod': 'module r\n\ngo 1.22\n', '/r/tests/apps/x/go.mod': 'module x\n\ngo 1.22\n' };
    const index = new GoModIndex((path) => mods[path]);
    assert.equal(index.outermostModuleRootFor('/r/tests/apps/x/sub'), '/r');
    assert.equal(codeKindOf('/r/tests/apps/x/main.go', 'main', index.outermostModuleRootFor('/r/tests/apps/x')), 'test-support');
    assert.equal(index.outermostModuleRootFor('/elsewhere/p'), undefined);
  });
});
