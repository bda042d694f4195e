package syncmapuncheckedassertion

// Name returns the cached name of a user, and false when it is not cached.
func (u *Users) Name(id int) (string, bool) {
	v, ok := u.byID.Load(id)
	if !ok {
		return "", false
	}
	return v.(*User).Name, true
}
