package timeticklead

import "time"

// Poll refreshes every second until done is closed, and stops its ticker.
func Poll(done <-chan struct{}, refresh func()) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-done:
			return
		case <-ticker.C:
			refresh()
		}
	}
}
