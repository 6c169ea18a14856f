package camera

import "sync"

// framePool recycles frame buffers between a source and its consumer: a
// source takes a buffer for each frame it delivers and the consumer gives it
// back through Release. It keeps at most framePoolSize buffers, so a consumer
// that holds frames never makes the pool grow without bound. Safe for
// concurrent use.
type framePool struct {
	mu   sync.Mutex
	free [][]byte
}

// framePoolSize is how many released buffers are kept: the pipeline holds at
// most one frame in flight, one waiting and one being captured.
const framePoolSize = 4

// get returns a buffer of length n, reusing a released one when it is large enough.
func (p *framePool) get(n int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) > 0 {
		b := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		if cap(b) >= n {
			return b[:n]
		}
	}
	return make([]byte, n)
}

// put gives a frame's buffer back; nil is ignored.
func (p *framePool) put(b []byte) {
	if b == nil {
		return
	}
	p.mu.Lock()
	if len(p.free) < framePoolSize {
		p.free = append(p.free, b[:cap(b)])
	}
	p.mu.Unlock()
}
