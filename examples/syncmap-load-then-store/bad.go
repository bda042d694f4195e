// Package syncmaploadthenstore shows the syncmap-load-then-store rule: a
// Load that finds nothing followed by a Store of the same key. This file has
// the bug; good.go has the fix.
package syncmaploadthenstore

import "sync"

// Session is created once per id and shared by every request of that id.
type Session struct{ ID string }

// Registry holds the sessions by id.
type Registry struct {
	sessions sync.Map
}

// SessionRacy returns the session of id, creating it on first use.
//
// Bug: two requests for a new id both miss in Load, both create a session
// and both Store it; the first caller keeps a session that the registry no
// longer holds.
func (r *Registry) SessionRacy(id string) *Session {
	if v, ok := r.sessions.Load(id); ok {
		return v.(*Session)
	}
	s := &Session{ID: id}
	r.sessions.Store(id, s)
	return s
}
