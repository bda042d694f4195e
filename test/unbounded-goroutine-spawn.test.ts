// unbounded-goroutine-spawn beyond the fixtures: the semaphore fix (never
// preferred, so the fixture goldens do not show it) is offered only where a
// full semaphore cannot deadlock.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { lint } from './support/analyzer';

test('patterns.go: the semaphore is offered, not preferred, for perValue, and not for echo, whose goroutines send', async () => {
  const path = resolve(__dirname, '../../test/fixtures/unbounded-goroutine-spawn/patterns.go');
  const text = readFileSync(path, 'utf8');
  const findings = await lint(path, text, { only: ['unbounded-goroutine-spawn'] });
  const fixes = findings.map((f) => `${/^func (\w+)/m.exec(text.slice(text.lastIndexOf('\nfunc ', f.start) + 1))![1]}: ${f.fixes.map((x) => `${x.title}${x.preferred ? ' (preferred)' : ''}`).join(', ') || 'none'}`);
  assert.deepEqual(fixes, ['perValue: Limit the goroutines to maxConcurrent at a time with a semaphore', 'echo: none']);
});
