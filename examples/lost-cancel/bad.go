// Package lostcancel shows the lost-cancel rule: a cancel function that is
// not called on every path. This file has the bugs; good.go has the fixes.
package lostcancel

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// FetchStatusLeaky asks url for its status code, giving up after timeout.
//
// Bug: cancel is called only on success. Both error returns leave the
// context, its timer and the request's resources alive until the timeout
// fires or parent is cancelled.
func FetchStatusLeaky(parent context.Context, client *http.Client, url string, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("building request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("requesting %s: %w", url, err)
	}
	resp.Body.Close()
	cancel()
	return resp.StatusCode, nil
}

// LeakyPoller polls a function until it is stopped.
//
// Bug: the cancel function is stored in a field that nothing ever reads, so
// the poller can never be stopped and its context lives as long as parent.
type LeakyPoller struct {
	ctx         context.Context
	stopPolling context.CancelFunc
}

func StartLeakyPoller(parent context.Context, every time.Duration, poll func(context.Context)) *LeakyPoller {
	p := &LeakyPoller{}
	p.ctx, p.stopPolling = context.WithCancel(parent)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.ctx.Done():
				return
			case <-t.C:
				poll(p.ctx)
			}
		}
	}()
	return p
}
