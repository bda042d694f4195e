// Package unboundedgoroutinespawn shows one goroutine per message with no limit.
package unboundedgoroutinespawn

func handle(msg string) {}

// Consume starts a goroutine per message: when messages arrive faster than
// they are handled, goroutines pile up until memory runs out.
func Consume(messages <-chan string) {
	for msg := range messages {
		go handle(msg)
	}
}
