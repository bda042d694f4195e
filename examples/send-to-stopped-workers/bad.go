// Package sendtostoppedworkers shows the send-to-stopped-workers rule: a
// producer that blocks forever once its workers have all given up. This
// file has the bug; good.go the fix.
package sendtostoppedworkers

import "sync"

// UploadAll uploads files with four workers and returns the first error.
//
// Bug: a worker returns on its first failed upload. When every worker has
// failed (the server is down), nobody receives from jobs any more: the loop
// below blocks on its next send for ever and UploadAll never returns.
func UploadAll(files []string, upload func(string) error) error {
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
					return
				}
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return <-errs
}
