// unbounded-goroutine-spawn beyond the fixtures: the semaphore fix (never
// preferred) is offered only where a full semaphore cannot deadlock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint } from './support/analyzer';

const TEXT = `package p

func handle(int) {}

func perValue(values <-chan int) {
	for v := range values {
		go func() {
			handle(v)
		}()
	}
}

func echo(values <-chan int, out chan<- int) {
	for v := range values {
		go func() {
			out <- v
		}()
	}
}

func forever(values <-chan int) {
	for v := range values {
		go func() {
			for {
				handle(v)
			}
		}()
	}
}
`;

test('the semaphore is offered, not preferred, and not where the goroutines send or never end', async () => {
  const findings = await lint('/nonexistent/p/p.go', TEXT, { only: ['unbounded-goroutine-spawn'] });
  const fixes = findings.map((f) => f.fixes.map((x) => `${x.title}${x.preferred ? ' (preferred)' : ''}`));
  // forever() runs one endless worker per value: a long-lived worker, not reported.
  assert.deepEqual(fixes, [['Limit the goroutines to maxConcurrent at a time with a semaphore'], []]);
});
