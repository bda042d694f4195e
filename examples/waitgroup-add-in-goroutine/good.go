package waitgroupaddingoroutine

import "sync"

// FetchAll fetches every URL concurrently and waits for them: each
// goroutine is counted before it is started.
func FetchAll(urls []string, fetch func(string)) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			fetch(u)
		}(u)
	}
	wg.Wait()
}
