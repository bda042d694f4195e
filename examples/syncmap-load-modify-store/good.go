package syncmaploadmodifystore

import (
	"sync"
	"sync/atomic"
)

// Counters counts the requests of each path with one atomic counter per path.
type Counters struct {
	byPath sync.Map // path -> *int64
}

// Count counts one request of path: the map only ever maps a path to its
// counter, created once by LoadOrStore; the count itself is updated
// atomically in place, so no update is lost. (With Go 1.20 and later, a
// CompareAndSwap retry loop on an int value works too: see the rule's page.)
func (c *Counters) Count(path string) int64 {
	v, _ := c.byPath.LoadOrStore(path, new(int64))
	return atomic.AddInt64(v.(*int64), 1)
}
