// Package timeticklead shows the time-tick-leak rule: time.Tick in a
// function that returns. This file has the bug; good.go the fix.
package timeticklead

import "time"

// PollLeaky refreshes every second until done is closed.
//
// Bug: after PollLeaky returns the ticker goes on firing, and before Go 1.23
// it is never garbage collected: one leaked ticker per call.
func PollLeaky(done <-chan struct{}, refresh func()) {
	tick := time.Tick(time.Second)
	for {
		select {
		case <-done:
			return
		case <-tick:
			refresh()
		}
	}
}
