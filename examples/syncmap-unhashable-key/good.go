package syncmapunhashablekey

import "strings"

// Lookup finds the handler of a path given as its segments: the key is the
// joined path, a string.
func (r *Routes) Lookup(segments []string) (string, bool) {
	key := strings.Join(segments, "/")
	v, ok := r.byPath.Load(key)
	if !ok {
		return "", false
	}
	return v.(string), true
}
