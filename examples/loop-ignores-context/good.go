package loopignorescontext

import (
	"context"
	"time"
)

// FlushEvery calls flush on every tick until ctx is cancelled.
func FlushEvery(ctx context.Context, every time.Duration, flush func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			flush()
		}
	}
}
