// Declaration skipping: the top-level declarations found by their tokens, and
// package facts computed from a parse of only the declarations they read
// equal to the facts of the whole file's parse (fixtures, examples, and
// directories of Go's standard library as the corpus).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { topLevelDeclarations } from '../server/src/engine/declarations';
import type { FileFactKind } from '../server/src/engine/package';
import { DECLARED_TYPES, FUNCTION_STRUCT_FIELDS, RESULT_TYPES } from '../server/src/engine/declared-types';
import { FUNCTION_SUMMARIES } from '../server/src/engine/summaries';
import { CHANNEL_PARAMETER_SENDS } from '../server/src/engine/channel-parameters';
import { sharedAnalyzer } from './support/analyzer';
import { goFiles } from './support/go-files';

/** `source` without its `«` marks, and the offsets where they were. */
function marked(source: string): { text: string; starts: number[] } {
  const [first, ...parts] = source.split('«');
  const starts: number[] = [];
  let text = first;
  for (const part of parts) {
    starts.push(text.length);
    text += part;
  }
  return { text, starts };
}

describe('top-level declarations by their tokens', () => {
  test('every declaration kind, found at its keyword, whatever strings, comments and function literals hold', () => {
    const { text, starts } = marked(
      [
        '\uFEFF// Package p: func in a comment { (',
        '«package p',
        '',
        '«import (',
        '\t"context"',
        '\tsync "sync"',
        ')',
        '«import "fmt"',
        '',
        '/* a block comment',
        '   func f() { */',
        '«var f = func() {',
        '\tfmt.Println("}", `func g() {`, \'}\')',
        '}',
        '«const (',
        '\ta = iota',
        '\tb',
        ')',
        '«type T[K comparable] struct{ m map[K]sync.Map }',
        '',
        '«func (t *T[K]) Get(ctx context.Context) (x int) { return 0x1e+5 }',
        '«var x = 1; «var y = 2.5e-3',
        '«func F[T any](v T) T {',
        '\tvar z = v',
        '\tfunc() {}()',
        '\treturn z',
        '}',
        '«var long = 1 +',
        '\t2',
        '«type U interface{ M() }',
        '',
      ].join('\n'),
    );
    const found = topLevelDeclarations(text);
    assert.deepEqual(
      found?.map((d) => [d.keyword, d.start]),
      ['package', 'import', 'import', 'var', 'const', 'type', 'func', 'var', 'var', 'func', 'var', 'type'].map((k, i) => [k, starts[i]]),
    );
  });

  test('text that does not split cleanly gives no declarations: the caller parses it whole', () => {
    for (const text of [
      'package p\n\nfunc f() {\n',
      'package p\n\nfunc f() {}}\n',
      'package p\n\nvar s = "unterminated\n',
      'package p\n\nvar s = `unterminated\n',
      'package p\n\n/* unterminated\n',
      'package p\n\nx := 1\n',
      'package p\n\n+ 1\n',
      'func f() {}\n',
      '',
    ]) {
      assert.equal(topLevelDeclarations(text), undefined, JSON.stringify(text));
    }
  });
});

const KINDS: FileFactKind<unknown>[] = [DECLARED_TYPES, FUNCTION_STRUCT_FIELDS, RESULT_TYPES, FUNCTION_SUMMARIES, CHANNEL_PARAMETER_SENDS];

function standardLibraryFiles(): string[] {
  try {
    const src = realpathSync(join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src'));
    return ['context', 'database/sql', 'net/http', 'os/exec', 'sync', 'go/types', 'runtime/pprof'].flatMap((dir) => goFiles(join(src, dir)));
  } catch {
    return [];
  }
}

describe('facts from the declarations they read', () => {
  test('each kind of fact with `reads` equals the fact of the whole parse, and the shortcut is taken', async () => {
    const analyzer = await sharedAnalyzer();
    const root = resolve(__dirname, '../..');
    const files = [...goFiles(join(root, 'test/fixtures')), ...goFiles(join(root, 'examples')), ...standardLibraryFiles()];
    let partial = 0;
    const skipped = new Map<string, { chars: number; of: number }>(KINDS.map((k) => [k.key, { chars: 0, of: 0 }]));
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const whole = analyzer.parser.parse(text);
      try {
        for (const kind of KINDS) {
          const tree = analyzer.parser.parseDeclarations(text, kind.reads!);
          if (!tree) continue;
          try {
            assert.deepEqual(kind.compute(tree.rootNode, path, text), kind.compute(whole.rootNode, path, text), `${kind.key} of ${path}`);
            partial++;
            const counts = skipped.get(kind.key)!;
            counts.chars += text.length - tree.rootNode.children.reduce((n, c) => n + (c ? c.endIndex - c.startIndex : 0), 0);
            counts.of += text.length;
          } finally {
            tree.delete();
          }
        }
      } finally {
        whole.delete();
      }
    }
    assert.ok(files.length > 500, `${files.length} files`);
    // Most files split cleanly (the fixtures' broken files do not), and most of their text is left unparsed.
    assert.ok(partial > 0.9 * KINDS.length * files.length, `${partial} partial parses of ${KINDS.length * files.length}`);
    // Each kind leaves part of the text unparsed (a kind that reads nearly everything should not declare `reads`).
    for (const [key, { chars, of }] of skipped) assert.ok(chars > 0.05 * of, `${key}: ${chars} of ${of} characters skipped`);
    console.log([...skipped].map(([key, { chars, of }]) => `${key} ${Math.round((100 * chars) / of)}%`).join(', '));
  });
});
