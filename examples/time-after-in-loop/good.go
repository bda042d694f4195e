package timeafterinloop

import "time"

// Consume handles messages until none arrives for idle, with one timer.
func Consume(messages <-chan string, idle time.Duration, handle func(string)) {
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case msg := <-messages:
			handle(msg)
		case <-timer.C:
			return
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(idle)
	}
}
