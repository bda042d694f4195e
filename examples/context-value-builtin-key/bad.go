// Package valuekey shows the context-value-builtin-key rule: a context value
// stored under a key of a built-in type. This file has the bug; good.go has
// the fix.
package valuekey

import "context"

// User is an authenticated user.
type User struct{ Name string }

// WithUserLeaky stores the user in the context.
//
// Bug: the key is the string "user". Any other package that stores a value
// under "user" overwrites it, and UserFromLeaky then reads the wrong value
// (or none).
func WithUserLeaky(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, "user", u)
}

// UserFromLeaky reads the user back.
func UserFromLeaky(ctx context.Context) (*User, bool) {
	u, ok := ctx.Value("user").(*User)
	return u, ok
}
