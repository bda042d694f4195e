// Package syncmapuncheckedassertion shows the syncmap-unchecked-assertion
// rule: a value read from a sync.Map asserted to its type without checking
// that the key was there. This file has the bug; good.go has the fix.
package syncmapuncheckedassertion

import "sync"

// User is a cached user record.
type User struct{ Name string }

// Users caches users by id.
type Users struct {
	byID sync.Map
}

// NameOrPanic returns the cached name of a user.
//
// Bug: for an id that is not cached, Load returns nil and the assertion
// panics, taking the whole server down with it.
func (u *Users) NameOrPanic(id int) string {
	v, _ := u.byID.Load(id)
	return v.(*User).Name
}
