package contextinstruct

import (
	"context"
	"errors"
)

// Queue is QueueLeaky done right: each call takes its caller's context.
type Queue struct {
	client Client
	name   string
}

// Dequeue takes the next item, or gives up when ctx is done.
func (q *Queue) Dequeue(ctx context.Context) (string, error) {
	if q.client == nil {
		return "", errors.New("no client")
	}
	return q.client.Pop(ctx, q.name)
}
