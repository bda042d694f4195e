// Package goroutineleaksend shows the goroutine-leak-send rule: a goroutine
// whose result nobody receives. This file has the fix; bad.go the bug.
package goroutineleaksend

import (
	"context"
	"time"
)

// FetchWithTimeoutBuffered runs fetch in a goroutine and gives up after a second.
//
// ch has room for the one result, so the goroutine always finishes,
// even when nobody takes it.
func FetchWithTimeoutBuffered(ctx context.Context, fetch func() string) (string, error) {
	ch := make(chan string, 1) // room for the result nobody may take
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
