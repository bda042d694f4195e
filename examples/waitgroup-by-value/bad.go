// Package waitgroupbyvalue shows the waitgroup-by-value rule: a
// sync.WaitGroup passed by value. This file has the bug; good.go has the fix.
package waitgroupbyvalue

import "sync"

func fetchCopy(url string, wg sync.WaitGroup, results chan<- string) {
	defer wg.Done()
	results <- url
}

// FetchAllHangs fetches every url concurrently.
//
// Bug: each goroutine gets its own copy of wg, so Done never reaches the
// WaitGroup that Wait watches: Wait blocks forever (or the runtime reports a
// negative counter on the copy).
func FetchAllHangs(urls []string) []string {
	var wg sync.WaitGroup
	results := make(chan string, len(urls))
	for _, u := range urls {
		wg.Add(1)
		go fetchCopy(u, wg, results)
	}
	wg.Wait()
	close(results)
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}
