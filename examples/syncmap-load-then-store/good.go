package syncmaploadthenstore

// SessionOnce returns the session of id, creating it on first use: Load is
// the cheap path for ids already known, and LoadOrStore decides atomically
// which session wins, so every caller gets the same one.
func (r *Registry) SessionOnce(id string) *Session {
	if v, ok := r.sessions.Load(id); ok {
		return v.(*Session)
	}
	actual, _ := r.sessions.LoadOrStore(id, &Session{ID: id})
	return actual.(*Session)
}
