// Package syncmaploadmodifystore shows the syncmap-load-modify-store rule: a
// value loaded from a sync.Map, updated, and stored back. This file has the
// bug; good.go has a fix.
package syncmaploadmodifystore

import "sync"

// Hits counts the requests of each path.
type Hits struct {
	byPath sync.Map // path -> int
}

// CountLossy counts one request of path.
//
// Bug: two requests of the same path can both load 41 and both store 42: one
// request is not counted. Under load, the counts come out far too low.
func (h *Hits) CountLossy(path string) {
	v, ok := h.byPath.Load(path)
	if !ok {
		v = 0
	}
	h.byPath.Store(path, v.(int)+1)
}
