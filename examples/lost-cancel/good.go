package lostcancel

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// FetchStatus is FetchStatusLeaky done right: the cancel is deferred right
// after the context is made, so every return releases it.
func FetchStatus(parent context.Context, client *http.Client, url string, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("building request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("requesting %s: %w", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Poller is LeakyPoller with a Stop method that calls the stored cancel.
type Poller struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func StartPoller(parent context.Context, every time.Duration, poll func(context.Context)) *Poller {
	p := &Poller{done: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(parent)
	go func() {
		defer close(p.done)
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

// Stop cancels the poller's context and waits for its goroutine to end.
func (p *Poller) Stop() {
	p.cancel()
	<-p.done
}
