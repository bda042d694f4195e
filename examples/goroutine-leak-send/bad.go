// Package goroutineleaksend shows the goroutine-leak-send rule: a goroutine
// whose result nobody receives. This file has the bug; good.go the fix.
package goroutineleaksend

import (
	"context"
	"time"
)

// FetchWithTimeout runs fetch in a goroutine and gives up after a second.
//
// Bug: ch is unbuffered. When the timeout wins, nobody ever receives the
// result and the goroutine blocks on its send forever.
func FetchWithTimeout(ctx context.Context, fetch func() string) (string, error) {
	ch := make(chan string)
	go func() {
		ch <- fetch()
	}()
	select {
	case s := <-ch:
		return s, nil
	case <-time.After(time.Second):
		return "", context.DeadlineExceeded
	}
}
