package syncmaploadthendelete

// Deliver hands a reply to the request that waits for it: LoadAndDelete gives
// the channel to exactly one delivery, and a duplicate finds nothing.
func (c *Calls) Deliver(id uint64, r Reply) {
	if v, ok := c.waiting.LoadAndDelete(id); ok {
		v.(chan Reply) <- r
	}
}
