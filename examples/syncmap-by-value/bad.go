// Package syncmapbyvalue shows the syncmap-by-value rule: a struct that holds
// a sync.Map by value is copied. This file has the bug; good.go has the fix.
package syncmapbyvalue

import "sync"

// Limits counts requests per client.
type Limits struct {
	counts sync.Map // client -> *int64
}

// RecordCopy counts a request of client.
//
// Bug: the value receiver copies Limits, and the sync.Map inside it, on
// every call. Clients stored through the copy are lost when it returns, and
// the copy shares some entries with the original and not others.
func (l Limits) RecordCopy(client string) {
	n := int64(0)
	l.counts.LoadOrStore(client, &n)
}
