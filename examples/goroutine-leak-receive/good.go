// Package goroutineleakreceive shows the goroutine-leak-receive rule: a
// worker waiting for jobs that never come. This file has the fix; bad.go
// the bug.
package goroutineleakreceive

import "errors"

// ProcessAll hands items to a worker goroutine and closes jobs on every
// path, so the worker's range loop always ends.
func ProcessAll(items []int, handle func(int)) error {
	jobs := make(chan int)
	defer close(jobs)
	go func() {
		for j := range jobs {
			handle(j)
		}
	}()
	if len(items) == 0 {
		return errors.New("no items")
	}
	for _, it := range items {
		jobs <- it
	}
	return nil
}
