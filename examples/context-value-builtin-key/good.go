package valuekey

import "context"

// userKey is unexported: no other package can make an equal key.
type userKey struct{}

// WithUser is WithUserLeaky done right.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom reads the user stored by WithUser.
func UserFrom(ctx context.Context) (*User, bool) {
	u, ok := ctx.Value(userKey{}).(*User)
	return u, ok
}
