package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// Persistent workers: a plan with Threads > 1 starts Threads-1 goroutines
// once; Run wakes them through one buffered channel each (no allocation), the
// caller works as worker 0, and the workers meet at a barrier between layers.

// workerPool owns the goroutines of workers 1..n-1.
type workerPool struct {
	n    int
	wake []chan struct{} // wake[w] starts one run of worker w
	once sync.Once
}

// startWorkers starts n-1 goroutines running e's steps.
func startWorkers(e *engine, n int) *workerPool {
	e.bar.cond.L = &e.bar.mu
	wp := &workerPool{n: n, wake: make([]chan struct{}, n)}
	for w := 1; w < n; w++ {
		ch := make(chan struct{}, 1)
		wp.wake[w] = ch
		go func() {
			for range ch {
				e.exec(w, n, nil)
			}
		}()
	}
	return wp
}

// wakeAll starts one run on every worker goroutine.
func (wp *workerPool) wakeAll() {
	for w := 1; w < wp.n; w++ {
		wp.wake[w] <- struct{}{}
	}
}

// stop ends the worker goroutines once they finish their current run.
func (wp *workerPool) stop() {
	wp.once.Do(func() {
		for w := 1; w < wp.n; w++ {
			close(wp.wake[w])
		}
	})
}

// Barrier spinning: a layer of MobileNet takes tens of microseconds to
// milliseconds, so a waiting worker first spins (cheap when the others are
// about to arrive), then yields, then sleeps on a condition variable so that a
// descheduled peer on an oversubscribed machine does not cost a core.
const (
	barrierSpins  = 256  // tight atomic polls
	barrierYields = 1024 // polls with runtime.Gosched between them
)

// barrier is a reusable generation-counting barrier.
type barrier struct {
	count   atomic.Int32
	gen     atomic.Uint32
	waiters atomic.Int32
	mu      sync.Mutex
	cond    sync.Cond
}

// wait blocks until n goroutines have called it for this generation.
func (b *barrier) wait(n int) {
	g := b.gen.Load()
	if b.count.Add(1) == int32(n) {
		b.count.Store(0)
		b.gen.Add(1)
		if b.waiters.Load() > 0 {
			b.mu.Lock()
			b.cond.Broadcast()
			b.mu.Unlock()
		}
		return
	}
	for i := 0; i < barrierSpins+barrierYields; i++ {
		if b.gen.Load() != g {
			return
		}
		if i >= barrierSpins {
			goruntime.Gosched()
		}
	}
	b.mu.Lock()
	b.waiters.Add(1)
	for b.gen.Load() == g {
		b.cond.Wait()
	}
	b.waiters.Add(-1)
	b.mu.Unlock()
}
