// Package timeafterinloop shows the time-after-in-loop rule: a timeout made
// by time.After inside a loop's select. This file has the bug; good.go the fix.
package timeafterinloop

import "time"

// ConsumeLeaky handles messages until none arrives for idle.
//
// Bug: every message makes a new timer that stays pending for idle; before
// Go 1.23 each one stays in memory until it fires.
func ConsumeLeaky(messages <-chan string, idle time.Duration, handle func(string)) {
	for {
		select {
		case msg := <-messages:
			handle(msg)
		case <-time.After(idle):
			return
		}
	}
}
