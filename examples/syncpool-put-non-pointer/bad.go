// Package syncpoolputnonpointer shows the syncpool-put-non-pointer rule: a
// slice put into a sync.Pool by value. This file has the bug; good.go has
// the fix.
package syncpoolputnonpointer

import "sync"

var slices = sync.Pool{New: func() any { return make([]byte, 0, 64<<10) }}

// EncodeAllocating copies p into a pooled scratch buffer and hands it to
// emit.
//
// Bug: Put boxes the slice header into an interface, which allocates on
// every call: the pool saves the 64 KiB buffer but costs an allocation each
// time, and the allocation profile still shows the encoder.
func EncodeAllocating(p []byte, emit func([]byte)) {
	buf := slices.Get().([]byte)
	buf = append(buf[:0], p...)
	emit(buf)
	slices.Put(buf[:0])
}
