package unboundedgoroutinespawn

const maxConcurrent = 8

// ConsumeBounded handles at most maxConcurrent messages at a time.
func ConsumeBounded(messages <-chan string) {
	sem := make(chan struct{}, maxConcurrent)
	for msg := range messages {
		sem <- struct{}{}
		go func(m string) {
			defer func() { <-sem }()
			handle(m)
		}(msg)
	}
}
