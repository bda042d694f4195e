// Package contextinstruct shows the context-in-struct rule: a context stored
// in a struct. This file has the bug; good.go has the fix.
package contextinstruct

import (
	"context"
	"errors"
)

// Client is a remote list.
type Client interface {
	Pop(ctx context.Context, list string) (string, error)
}

// QueueLeaky is a work queue.
//
// Bug: it keeps the context it was built with, so Dequeue cannot be
// cancelled by its callers; built with a request's context, every call fails
// once that request has ended.
type QueueLeaky struct {
	ctx    context.Context
	client Client
	name   string
}

// Dequeue takes the next item.
func (q *QueueLeaky) Dequeue() (string, error) {
	if q.client == nil {
		return "", errors.New("no client")
	}
	return q.client.Pop(q.ctx, q.name)
}
