// Package goroutinewithoutexit shows a goroutine that nothing can stop.
package goroutinewithoutexit

import "time"

// Cache drops its entries every interval.
type Cache struct{ entries map[string]string }

// NewCache starts a cleaner that runs forever: every Cache ever made keeps
// its goroutine, and the goroutine keeps the Cache.
func NewCache(every time.Duration) *Cache {
	c := &Cache{entries: map[string]string{}}
	t := time.NewTicker(every)
	go func() {
		for range t.C {
			c.entries = map[string]string{}
		}
	}()
	return c
}
