// Package waitgroupaddingoroutine shows the waitgroup-add-in-goroutine rule:
// a goroutine that counts itself. This file has the bug; good.go the fix.
package waitgroupaddingoroutine

import "sync"

// FetchAllRacy fetches every URL concurrently and waits for them.
//
// Bug: each goroutine calls wg.Add itself. wg.Wait can run before any of
// them started, see a zero counter, and return while the fetches run.
func FetchAllRacy(urls []string, fetch func(string)) {
	var wg sync.WaitGroup
	for _, u := range urls {
		go func(u string) {
			wg.Add(1)
			defer wg.Done()
			fetch(u)
		}(u)
	}
	wg.Wait()
}
