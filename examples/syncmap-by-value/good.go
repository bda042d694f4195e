package syncmapbyvalue

// Record counts a request of client: the pointer receiver works on the one
// shared map.
func (l *Limits) Record(client string) {
	n := int64(0)
	l.counts.LoadOrStore(client, &n)
}
