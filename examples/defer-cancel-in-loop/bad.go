// Package defercancelinloop shows the defer-cancel-in-loop rule: a cancel
// function deferred inside the loop that makes its context. This file has
// the bug; good.go has the fix.
package defercancelinloop

import (
	"context"
	"net/http"
	"time"
)

// CheckAllLeaky asks each URL for its status code, one second each.
//
// Bug: the deferred cancel runs when CheckAllLeaky returns, not at the end
// of the iteration, so the context and timer of every request stay alive
// until the whole list is done.
func CheckAllLeaky(parent context.Context, client *http.Client, urls []string) map[string]int {
	codes := make(map[string]int)
	for _, url := range urls {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			continue
		}
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		resp.Body.Close()
		codes[url] = resp.StatusCode
	}
	return codes
}
