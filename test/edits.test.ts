// Property: whatever edits reach the server (random ranges, reversed or past
// the end or inside surrogate pairs, multi-byte text, \r and \r\n, bursts of
// changes without waiting, several changes in one notification), the
// diagnostics it finally publishes equal a fresh lint of the final text, as
// the CLI would give. Seeded; GCL_EDIT_SEQUENCES sets how many sequences
// (`npm run fuzz:edits` runs a thousand), GCL_EDIT_SEED the seed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { LineIndex } from '../server/src/engine/positions';
import { sharedAnalyzer } from './support/analyzer';
import { random } from './support/hostile';
import { TestClient } from './support/lsp-client';
import { activeRules } from '../server/src/linter/config';

const SEQUENCES = Number(process.env.GCL_EDIT_SEQUENCES ?? 12);
const SEED = Number(process.env.GCL_EDIT_SEED ?? 20261130);

/** What edits insert: Go that makes and unmakes findings, broken syntax, line breaks of every kind, multi-byte text. */
const INSERTS = [
  '',
  '',
  '\n',
  '\r\n',
  '\r',
  '}',
  '{',
  '(',
  ')',
  '"',
  '`',
  '/*',
  '*/',
  '// ',
  'x',
  ' ',
  '\t',
  'defer cancel()\n',
  'cancel()\n',
  'ctx, cancel := context.WithCancel(ctx)\n',
  'ctx, _ := context.WithTimeout(ctx, time.Second)\n',
  'go func() { for { work() } }()\n',
  'for { select { case <-ch: } }\n',
  'return\n',
  'if err != nil {\n\treturn err\n}\n',
  '//nolint:lost-cancel\n',
  '数据',
  '😀',
  'é',
];

function collectSeeds(dir: string, into: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collectSeeds(path, into);
    else if (name.endsWith('.go') && statSync(path).size < 6000) into.push(readFileSync(path, 'utf8'));
  }
  return into;
}

/** The client's side of an edit, as the server must read it: reversed ends swapped, ranges clamped, a split surrogate pair widened. */
function applyAsServer(document: TextDocument, change: TextDocumentContentChangeEvent, version: number): TextDocument {
  if (!('range' in change) || !change.range) return TextDocument.update(document, [change], version);
  const text = document.getText();
  let start = document.offsetAt(change.range.start);
  let end = document.offsetAt(change.range.end);
  if (end < start) [start, end] = [end, start];
  const splits = (o: number) => o > 0 && o < text.length && /[\ud800-\udbff]/.test(text[o - 1]) && /[\udc00-\udfff]/.test(text[o]);
  if (splits(start)) start--;
  if (splits(end)) end++;
  return TextDocument.update(document, [{ range: { start: document.positionAt(start), end: document.positionAt(end) }, text: change.text }], version);
}

/** A position as a client may send it: usually inside the text, sometimes past a line's end or past the last line. */
function randomPosition(document: TextDocument, next: () => number): { line: number; character: number } {
  const roll = next();
  if (roll < 0.03) return { line: document.lineCount + Math.floor(next() * 3), character: Math.floor(next() * 10) };
  if (roll < 0.06) return { line: Math.floor(next() * document.lineCount), character: 200 + Math.floor(next() * 50) };
  return document.positionAt(Math.floor(next() * (document.getText().length + 1)));
}

function randomChange(document: TextDocument, next: () => number): TextDocumentContentChangeEvent {
  if (next() < 0.01) return { text: document.getText().slice(0, Math.floor(next() * document.getText().length)) };
  const start = randomPosition(document, next);
  // Mostly short ranges: typing and deleting a few characters; sometimes a larger cut, sometimes reversed.
  let end = start;
  const roll = next();
  if (roll < 0.4) end = document.positionAt(document.offsetAt(start) + Math.floor(next() * 4));
  else if (roll < 0.5) end = document.positionAt(document.offsetAt(start) + Math.floor(next() * 200));
  else if (roll < 0.55) end = randomPosition(document, next);
  const text = INSERTS[Math.floor(next() * INSERTS.length)];
  return next() < 0.05 ? { range: { start: end, end: start }, text } : { range: { start, end }, text };
}

/** Fixture texts one after another, each with its own declarations renamed away: about 150 KB of Go with syntax errors here and there. */
function largeText(seeds: readonly string[], next: () => number): string {
  let text = 'package p\n';
  for (let i = 0; text.length < 150_000; i++) {
    text += seeds[Math.floor(next() * seeds.length)].replace(/^package \w+/m, `// part ${i}`).replace(/\bfunc (\w+)/g, `func $1_${i}`);
  }
  return text;
}

type Shown = [string, string, string, number | undefined];

function shown(diagnostics: Diagnostic[]): Shown[] {
  return diagnostics
    .map((d): Shown => [String(d.code), `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`, String(d.message), d.severity])
    .sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
}

describe(`random edit sequences through the server (${SEQUENCES}, seed ${SEED})`, () => {
  let client: TestClient;
  const seeds = collectSeeds(resolve(__dirname, '../../test/fixtures'), []);
  before(async () => {
    client = await TestClient.start();
  });
  after(async () => {
    await client.stop();
  });

  test('the final diagnostics equal a fresh lint of the final text', { timeout: 60_000 + SEQUENCES * 5_000 }, async () => {
    const analyzer = await sharedAnalyzer();
    const rules = activeRules();
    const next = random(SEED);
    const mismatches: string[] = [];
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      // Each sequence in a directory of its own: no siblings, no package facts from other sequences.
      const path = `/tmp/gcl-edits/${SEED}-${sequence}/edited.go`;
      const uri = `file://${path}`;
      // One sequence in four edits a large file (about 150 KB), whose parse takes several of the server's slices.
      const initial = next() < 0.25 ? largeText(seeds, next) : seeds[Math.floor(next() * seeds.length)];
      let document = TextDocument.create(uri, 'go', 1, initial);
      // What was sent, to replay a failing sequence (written to a file when it fails).
      const sent: unknown[] = [{ open: initial }];
      await client.open(uri, initial);
      const edits = 1 + Math.floor(next() * 40);
      for (let i = 0; i < edits; i++) {
        const changes: TextDocumentContentChangeEvent[] = [];
        const version = document.version + 1;
        for (let c = next() < 0.1 ? 2 + Math.floor(next() * 3) : 1; c > 0; c--) {
          const change = randomChange(document, next);
          changes.push(change);
          document = applyAsServer(document, change, version);
        }
        await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
        sent.push({ version, changes });
        // Bursts: most edits follow at once; sometimes the server gets time to lint in between.
        if (next() < 0.15) {
          const pause = Math.floor(next() * 60);
          sent.push({ pause });
          await new Promise((r) => setTimeout(r, pause));
        }
      }
      // The server may have published the final version already (during a pause after the last edit).
      const final = (p: { uri: string; version?: number }) => p.uri === uri && p.version === document.version;
      const published =
        client.published.find(final) ??
        (await client.diagnostics(uri, final, 30_000).catch((error) => {
          const replay = join(tmpdir(), `gcl-edits-${SEED}-${sequence}.json`);
          writeFileSync(replay, JSON.stringify(sent));
          throw new Error(`sequence ${sequence}: ${(error as Error).message.slice(0, 200)}; what was sent is in ${replay}`);
        }));
      const text = document.getText();
      const result = analyzer.lintText(path, text, rules, { reportUnusedSuppressions: true });
      const lines = new LineIndex(text);
      const severities = { error: 1, warning: 2, information: 3, hint: 4 } as const;
      const fresh: Diagnostic[] = result.findings.map((f) => ({
        code: f.ruleId,
        message: f.message,
        severity: severities[f.severity],
        range: { start: lines.position(f.start), end: lines.position(f.end) },
      }));
      const got = shown(published.diagnostics);
      const want = shown(fresh);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(`sequence ${sequence} (${edits} edits): server ${JSON.stringify(got)}\n  fresh ${JSON.stringify(want)}\n  text ${JSON.stringify(text)}`);
      }
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${SEQUENCES} sequences differ:\n${mismatches.slice(0, 3).join('\n')}`);
  });
});
