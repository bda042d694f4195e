// Package sendtostoppedworkers shows the send-to-stopped-workers rule: a
// producer that blocks forever once its workers have all given up. This
// file has the fix; bad.go the bug.
package sendtostoppedworkers

import (
	"context"
	"sync"
)

// UploadAllOrStop uploads files with four workers and returns the first error.
//
// A failing worker cancels stop, and the producer stops feeding when it is
// cancelled, so it never waits for a worker that has gone.
func UploadAllOrStop(files []string, upload func(string) error) error {
	stop, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan string)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				if err := upload(f); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for _, f := range files {
		select {
		case jobs <- f:
		case <-stop.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return <-errs
}
