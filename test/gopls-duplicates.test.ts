// One squiggle for one problem: our diagnostic is hidden where gopls shows a
// peer check (vet's lostcancel, copylocks; staticcheck's codes) on the same lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withoutDuplicates } from '../client/src/gopls-duplicates';

const at = (start: number, end = start) => ({ start: { line: start }, end: { line: end } });

describe('gopls duplicates', () => {
  const discarded = { id: 'discarded-cancel', range: at(5), peers: ['lostcancel', 'G118'] };
  const byValue = { id: 'waitgroup-by-value', range: at(9), peers: ['copylocks'] };
  const leak = { id: 'goroutine-leak-send', range: at(12) };

  test("hidden where gopls reports the peer check on the same lines (by source or by code); kept elsewhere", () => {
    const gopls = [
      { range: at(5), source: 'lostcancel', code: 'lostcancel' },
      { range: at(8, 10), source: 'copylocks' },
    ];
    assert.deepEqual(withoutDuplicates([discarded, byValue, leak], gopls).map((d) => d.id), ['goroutine-leak-send']);
    assert.deepEqual(withoutDuplicates([discarded], [{ range: at(5), source: 'compiler', code: { value: 'lostcancel' } }]).map((d) => d.id), []);
  });

  test('kept when gopls reports another check there, the same check on other lines, or nothing', () => {
    assert.deepEqual(withoutDuplicates([discarded, byValue], [{ range: at(5), source: 'unusedvariable' }, { range: at(3), source: 'copylocks' }]).map((d) => d.id), ['discarded-cancel', 'waitgroup-by-value']);
    assert.deepEqual(withoutDuplicates([discarded, leak], []).map((d) => d.id), ['discarded-cancel', 'goroutine-leak-send']);
  });
});
