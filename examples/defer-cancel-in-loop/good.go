package defercancelinloop

import (
	"context"
	"net/http"
	"time"
)

// CheckAll asks each URL for its status code, one second each. Each
// iteration runs in its own function, so its deferred cancel runs at the
// end of the iteration.
func CheckAll(parent context.Context, client *http.Client, urls []string) map[string]int {
	codes := make(map[string]int)
	for _, url := range urls {
		func() {
			ctx, cancel := context.WithTimeout(parent, time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return
			}
			resp, err := client.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			codes[url] = resp.StatusCode
		}()
	}
	return codes
}
