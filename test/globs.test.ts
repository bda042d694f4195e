// Exclude globs: what users write in goConcurrencyLint.exclude and --exclude.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isListed } from '../server/src/workspace/files';
import { globMatcher } from '../server/src/workspace/globs';

describe('exclude globs', () => {
  const cases: [string, string, boolean][] = [
    ['mocks', 'mocks/a.go', true],
    ['mocks', 'x/y/mocks/a.go', true],
    ['mocks', 'mocksy/a.go', false],
    ['*_gen.go', 'a/b/c_gen.go', true],
    ['*_gen.go', 'a/b/gen.go', false],
    ['internal/*.go', 'internal/a.go', true],
    ['internal/*.go', 'internal/x/a.go', false],
    ['internal/*.go', 'x/internal/a.go', false],
    ['**/testutil/**', 'a/testutil/b/c.go', true],
    ['**/testutil/**', 'testutil/c.go', true],
    ['gen/**', 'gen/a.go', true],
    ['/gen', 'gen/a.go', true],
    ['./gen/', 'gen/a.go', true],
    ['{api,rpc}/*.pb.go', 'rpc/x.pb.go', true],
    ['{api,rpc}/*.pb.go', 'web/x.pb.go', false],
    ['file?.go', 'file1.go', true],
    ['file[0-9].go', 'file7.go', true],
    ['file[!0-9].go', 'file7.go', false],
    ['a.go', 'b/a.go', true],
    ['a.go', 'b/xa.go', false],
    ['{broken', '{broken/a.go', true],
  ];
  for (const [pattern, path, expected] of cases) {
    test(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(globMatcher([pattern])(path), expected);
    });
  }

  test('no pattern matches nothing; blank patterns are ignored', () => {
    assert.equal(globMatcher([])('a.go'), false);
    assert.equal(globMatcher(['', '  '])('a.go'), false);
  });

  test('isListed: inside the root, a .go file, not under a default-excluded directory or an exclude glob', () => {
    const excluded = globMatcher(['mocks']);
    assert.equal(isListed('/w', '/w/a/b.go', true, excluded), true);
    assert.equal(isListed('/w', '/w/a/b.txt', true, excluded), false);
    assert.equal(isListed('/w', '/other/b.go', true, excluded), false);
    assert.equal(isListed('/w', '/w/vendor/x/b.go', true, excluded), false);
    assert.equal(isListed('/w', '/w/vendor/x/b.go', false, excluded), true);
    assert.equal(isListed('/w', '/w/a/mocks/b.go', true, excluded), false);
  });
});
