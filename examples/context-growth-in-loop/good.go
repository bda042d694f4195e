package contextgrowthinloop

import "context"

// Serve handles requests until the channel is closed. Each request gets its
// own child of the server's context.
func Serve(ctx context.Context, requests <-chan Request, handle func(context.Context, Request)) {
	for req := range requests {
		ctx := context.WithValue(ctx, requestIDKey{}, req.ID)
		handle(ctx, req)
	}
}
