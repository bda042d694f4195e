// What package.json, the configuration file schema and the suppression
// grammar declare about the rules is what the registry holds (written by
// scripts/manifest.mjs), and the grammar matches the directives as the
// linter reads them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { configFileSchema, ruleSettingsSchema, suppressionGrammar } from '../server/src/linter/manifest';
import { RULES } from '../server/src/linter/registry';

const ROOT = resolve(__dirname, '../..');
const read = (path: string) => JSON.parse(readFileSync(resolve(ROOT, path), 'utf8'));
const STALE = 'out of date: run node scripts/manifest.mjs';

interface Capture {
  name?: string;
  patterns?: { match: string; name: string }[];
}

/** What a grammar rule's captures name in `line` (the text after the comment's `//`, as the injection sees it). */
function scopes(line: string): [string, string][] {
  const grammar = read('syntaxes/suppression.injection.json') as { patterns: { match: string; captures: Record<string, Capture> }[] };
  for (const rule of grammar.patterns) {
    // Lookbehind needs the comment's `//` before the text, as in the document.
    const m = new RegExp(rule.match).exec(`//${line}`);
    if (!m) continue;
    const found: [string, string][] = [];
    for (const [group, capture] of Object.entries(rule.captures)) {
      const text = m[Number(group)];
      if (text === undefined) continue;
      if (capture.name) found.push([capture.name.split('.')[0], text]);
      for (const inner of capture.patterns ?? []) for (const id of text.matchAll(new RegExp(inner.match, 'g'))) found.push(['rule', id[0]]);
    }
    return found;
  }
  return [];
}

describe('manifest', () => {
  test('package.json has one goConcurrencyLint.rules property per rule, with its default and summary', () => {
    const manifest = read('package.json');
    assert.deepEqual(manifest.contributes.configuration.properties['goConcurrencyLint.rules'], JSON.parse(JSON.stringify(ruleSettingsSchema())), STALE);
    const properties = manifest.contributes.configuration.properties['goConcurrencyLint.rules'].properties;
    assert.deepEqual(Object.keys(properties), RULES.map((r) => r.id));
    assert.equal(properties['lost-cancel'].default, 'warning');
    assert.equal(properties['goroutine-without-exit'].default, 'off');
  });

  test('the configuration file schema and the grammar are up to date, and both are contributed', () => {
    assert.deepEqual(read('docs/config.schema.json'), JSON.parse(JSON.stringify(configFileSchema())), STALE);
    assert.deepEqual(read('syntaxes/suppression.injection.json'), JSON.parse(JSON.stringify(suppressionGrammar())), STALE);
    const contributes = read('package.json').contributes;
    assert.deepEqual(contributes.grammars, [{ scopeName: 'go-concurrency-lint.suppression.injection', path: './syntaxes/suppression.injection.json', injectTo: ['source.go'] }]);
    assert.deepEqual(contributes.jsonValidation, [{ fileMatch: '.go-concurrency-lint.json', url: './docs/config.schema.json' }]);
  });

  test('every setting the server reads is contributed, and every contributed command is implemented by the client', () => {
    const manifest = read('package.json');
    const settings = Object.keys(manifest.contributes.configuration.properties).map((k: string) => k.replace('goConcurrencyLint.', ''));
    for (const name of ['enable', 'rules', 'run', 'exclude', 'maxFileSize', 'goVersion', 'scanOnStartup', 'maxWorkers', 'trace.server', 'reportUnusedSuppressions', 'deduplicateWithGopls']) assert.ok(settings.includes(name), name);
    const client = readFileSync(resolve(ROOT, 'client/src/extension.ts'), 'utf8');
    for (const { command } of manifest.contributes.commands as { command: string }[]) assert.ok(client.includes(`\${SECTION}.${command.replace('goConcurrencyLint.', '')}`) || client.includes(`'${command}'`), command);
  });

  test('the grammar highlights the directive, our rule ids and the reason, as the linter reads them', () => {
    assert.deepEqual(scopes('nolint:lost-cancel,errcheck // the caller cancels'), [
      ['keyword', 'nolint'],
      ['punctuation', ':'],
      ['rule', 'lost-cancel'],
      ['punctuation', '//'],
      ['string', 'the caller cancels'],
    ]);
    assert.deepEqual(scopes('lint:file-ignore discarded-cancel,SA1012 generated'), [
      ['keyword', 'lint:file-ignore'],
      ['rule', 'discarded-cancel'],
      ['string', 'generated'],
    ]);
    assert.deepEqual(scopes(' nolint:go-concurrency-lint'), [
      ['keyword', 'nolint'],
      ['punctuation', ':'],
      ['rule', 'go-concurrency-lint'],
    ]);
    assert.deepEqual(scopes(' a comment about nolint'), [], 'not a directive: nolint must open the comment');
    assert.deepEqual(scopes('nolint:lost-cancelled'), [['keyword', 'nolint'], ['punctuation', ':']], 'a longer word is not a rule id');
  });
});
