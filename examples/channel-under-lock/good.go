package channelunderlock

import "sync"

// Group is Registry with the fix: the change is sent after the mutex is
// released, so the watcher can always take it.
type Group struct {
	mu      sync.Mutex
	members map[string]bool
	changes chan string
	stop    chan struct{}
}

// NewGroup starts the watcher.
func NewGroup(onChange func(string, int)) *Group {
	g := &Group{members: map[string]bool{}, changes: make(chan string), stop: make(chan struct{})}
	go g.watch(onChange)
	return g
}

// Join adds a member, then tells the watcher.
func (g *Group) Join(name string) {
	g.mu.Lock()
	g.members[name] = true
	g.mu.Unlock()
	g.changes <- name
}

func (g *Group) watch(onChange func(string, int)) {
	for {
		select {
		case name := <-g.changes:
			onChange(name, g.size())
		case <-g.stop:
			return
		}
	}
}

func (g *Group) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.members)
}
