#!/usr/bin/env node
// Writes what the extension declares about the rules from the rule registry:
// the schema of goConcurrencyLint.rules in package.json (one property per
// rule id, so that Settings and settings.json complete them), the JSON schema
// of .go-concurrency-lint.json, and the TextMate grammar that highlights the
// suppression directives. test/manifest.test.ts fails when they are out of date.
//   node scripts/manifest.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSource } from './bundle-source.mjs';

const root = join(new URL('.', import.meta.url).pathname, '..');
const { module } = await bundleSource("export * from './server/src/linter/manifest';", 'manifest');
const path = join(root, 'package.json');
const manifest = JSON.parse(readFileSync(path, 'utf8'));
manifest.contributes.configuration.properties['goConcurrencyLint.rules'] = module.ruleSettingsSchema();
writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(join(root, 'docs', 'config.schema.json'), JSON.stringify(module.configFileSchema(), null, 2) + '\n');
mkdirSync(join(root, 'syntaxes'), { recursive: true });
writeFileSync(join(root, 'syntaxes', 'suppression.injection.json'), JSON.stringify(module.suppressionGrammar(), null, 2) + '\n');
console.log('written: package.json (goConcurrencyLint.rules), docs/config.schema.json, syntaxes/suppression.injection.json');
