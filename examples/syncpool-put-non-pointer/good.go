package syncpoolputnonpointer

import "sync"

var buffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 64<<10)
	return &b
}}

// Encode copies p into a pooled scratch buffer and hands it to emit. The pool
// holds *[]byte: a pointer fits in an interface without allocating.
func Encode(p []byte, emit func([]byte)) {
	bp := buffers.Get().(*[]byte)
	buf := append((*bp)[:0], p...)
	emit(buf)
	*bp = buf[:0]
	buffers.Put(bp)
}
