// Package contextgrowthinloop shows the context-growth-in-loop rule: a
// context variable re-derived from itself in a loop. This file has the bug;
// good.go has the fix.
package contextgrowthinloop

import "context"

type requestIDKey struct{}

// Request is a unit of work.
type Request struct{ ID string }

// ServeLeaky handles requests until the channel is closed.
//
// Bug: ctx is replaced by a child of itself for every request, so the chain
// of contexts grows by one link per request: none of them is ever freed and
// every ctx.Value, ctx.Done and ctx.Err walks the whole chain.
func ServeLeaky(ctx context.Context, requests <-chan Request, handle func(context.Context, Request)) {
	for req := range requests {
		ctx = context.WithValue(ctx, requestIDKey{}, req.ID)
		handle(ctx, req)
	}
}
