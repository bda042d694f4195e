// Package goroutineleakreceive shows the goroutine-leak-receive rule: a
// worker waiting for jobs that never come. This file has the bug; good.go
// the fix.
package goroutineleakreceive

import "errors"

// Process hands items to a worker goroutine.
//
// Bug: when items is empty, Process returns without closing jobs, and the
// worker waits in its range loop forever.
func Process(items []int, handle func(int)) error {
	jobs := make(chan int)
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
	close(jobs)
	return nil
}
