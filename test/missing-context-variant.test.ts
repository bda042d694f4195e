// missing-context-variant beyond the fixtures: which cases are shown by
// default and at what severity, which only when the rule is configured, and
// which never (no context to pass).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lint } from './support/analyzer';

const ID = 'missing-context-variant';

async function severities(path: string, text: string, config = {}): Promise<string[]> {
  return (await lint(path, text, { only: [ID], ...config })).map((f) => `${text.slice(f.start, f.end)} ${f.severity}`);
}

const CALLS = `package p

import (
	"context"
	"net/http"
	"os/exec"
)

func fetch(ctx context.Context, url string) (*http.Response, error) {
	return http.Get(url)
}

func run(ctx context.Context) error {
	return exec.Command("true").Run()
}

func noContext(url string) (*http.Response, error) {
	return http.Get(url)
}
`;

describe(ID, () => {
  test('library code: an HTTP request is a warning; a command is shown only when the rule is configured', async () => {
    assert.deepEqual(await severities('/nonexistent/p/p.go', CALLS), ['http.Get warning']);
    assert.deepEqual(await severities('/nonexistent/p/p.go', CALLS, { rules: { [ID]: 'information' } }), ['http.Get information', 'exec.Command information']);
  });

  test('no context in scope: never reported, even when configured (there is nothing to pass)', async () => {
    const shown = await severities('/nonexistent/p/p.go', CALLS, { rules: { [ID]: 'warning' } });
    assert.equal(shown.length, 2);
  });

  test('tests and test helpers: not reported; programs: only when configured', async () => {
    assert.deepEqual(await severities('/nonexistent/p/p_test.go', CALLS), []);
    assert.deepEqual(await severities('/nonexistent/p/testutil/p.go', CALLS), []);
    assert.deepEqual(await severities('/nonexistent/p/cmd/tool/p.go', CALLS), []);
    assert.deepEqual(await severities('/nonexistent/p/cmd/tool/p.go', CALLS, { rules: { [ID]: 'warning' } }), ['http.Get warning', 'exec.Command warning']);
  });

  // The requests that never go out without their context are near misses in test/fixtures/missing-context-variant/requests.go.

  test('an *http.Request without a ResponseWriter is a client-side request: no context to lose', async () => {
    const text = `package p

import "net/http"

func roundTrip(req *http.Request) (*http.Response, error) {
	return http.Get(req.URL.String())
}

func handle(w http.ResponseWriter, r *http.Request) {
	_, _ = http.Get("http://x")
}
`;
    const messages = (await lint('/nonexistent/p/p.go', text, { only: [ID] })).map((f) => f.message);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /the request's context r\.Context\(\)/);
  });
});
