// Package channelunderlock shows the channel-under-lock rule: a send that
// waits while a mutex is held, when its receiver takes the same mutex. This
// file has the bug; good.go the fix.
package channelunderlock

import "sync"

// Registry keeps the members of a group and tells a watcher of each change.
type Registry struct {
	mu      sync.Mutex
	members map[string]bool
	changes chan string
	stop    chan struct{}
}

// NewRegistry starts the watcher.
func NewRegistry(onChange func(string, int)) *Registry {
	r := &Registry{members: map[string]bool{}, changes: make(chan string), stop: make(chan struct{})}
	go r.watch(onChange)
	return r
}

// Join adds a member.
//
// Bug: the send waits for the watcher while r.mu is held. The watcher locks
// r.mu (in size) after each change; if a Join comes while it waits for the
// lock, Join waits for the watcher and the watcher for Join: every later
// caller of r.mu hangs too.
func (r *Registry) Join(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.members[name] = true
	r.changes <- name
}

func (r *Registry) watch(onChange func(string, int)) {
	for {
		select {
		case name := <-r.changes:
			onChange(name, r.size())
		case <-r.stop:
			return
		}
	}
}

func (r *Registry) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.members)
}
