// Package syncmaploadthendelete shows the syncmap-load-then-delete rule: a
// Load that finds a key followed by a Delete of it. This file has the bug;
// good.go has the fix.
package syncmaploadthendelete

import "sync"

// Reply is the answer to one request.
type Reply struct{ Body string }

// Calls holds the channel of each request waiting for its reply.
type Calls struct {
	waiting sync.Map // request id -> chan Reply
}

// DeliverTwice hands a reply to the request that waits for it.
//
// Bug: when the same reply arrives twice (a retry), both deliveries can load
// the channel before either deletes it, and both send: the second send blocks
// forever, because the requester reads only once.
func (c *Calls) DeliverTwice(id uint64, r Reply) {
	if v, ok := c.waiting.Load(id); ok {
		c.waiting.Delete(id)
		v.(chan Reply) <- r
	}
}
