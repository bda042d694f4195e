package goroutinewithoutexit

import "time"

// StoppableCache drops its entries every interval until Close.
type StoppableCache struct {
	entries map[string]string
	done    chan struct{}
}

// NewStoppableCache starts a cleaner that Close stops.
func NewStoppableCache(every time.Duration) *StoppableCache {
	c := &StoppableCache{entries: map[string]string{}, done: make(chan struct{})}
	t := time.NewTicker(every)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
				c.entries = map[string]string{}
			}
		}
	}()
	return c
}

// Close stops the cleaner.
func (c *StoppableCache) Close() { close(c.done) }
