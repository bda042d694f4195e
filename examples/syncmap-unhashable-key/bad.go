// Package syncmapunhashablekey shows the syncmap-unhashable-key rule: a
// slice used as a sync.Map key. This file has the bug; good.go has the fix.
package syncmapunhashablekey

import "sync"

// Routes caches the handler name of each path.
type Routes struct {
	byPath sync.Map
}

// LookupPanics finds the handler of a path given as its segments.
//
// Bug: the key is a []string. It compiles, because keys are `any`, but the
// first call panics with "hash of unhashable type []string".
func (r *Routes) LookupPanics(segments []string) (string, bool) {
	v, ok := r.byPath.Load(segments)
	if !ok {
		return "", false
	}
	return v.(string), true
}
