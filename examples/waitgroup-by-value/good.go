package waitgroupbyvalue

import "sync"

func fetch(url string, wg *sync.WaitGroup, results chan<- string) {
	defer wg.Done()
	results <- url
}

// FetchAll fetches every url concurrently: every goroutine calls Done on the
// one WaitGroup that Wait watches.
func FetchAll(urls []string) []string {
	var wg sync.WaitGroup
	results := make(chan string, len(urls))
	for _, u := range urls {
		wg.Add(1)
		go fetch(u, &wg, results)
	}
	wg.Wait()
	close(results)
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}
