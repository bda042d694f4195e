// Package loopignorescontext shows the loop-ignores-context rule: an
// endless loop in a function that receives a context but never checks it.
// This file has the bug; good.go has the fix.
package loopignorescontext

import (
	"context"
	"time"
)

// FlushEveryLeaky calls flush on every tick.
//
// Bug: the loop never looks at ctx, so cancelling ctx does not stop it: the
// goroutine running it, the ticker and everything flush references stay
// alive for the life of the process.
func FlushEveryLeaky(ctx context.Context, every time.Duration, flush func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			flush()
		}
	}
}
