package runtime

import (
	"sync/atomic"
	"time"
)

// step is one unit of a compiled op (most ops compile to one): a function
// over a range of work units (output rows of a conv, row tiles of a
// pointwise GEMM, element chunks) that workers split between them.
type step struct {
	units   int                 // work units; 0: nothing to do (a reshape alias)
	serial  bool                // too small to split: worker 0 runs all units
	run     func(w, lo, hi int) // worker w computes units [lo, hi)
	barrier bool                // workers synchronise after this step

	layer  int            // index of its op in Plan.layers (RunProfiled, PanicError)
	op     int            // op index in the model (Trace)
	traced []tracedTensor // float32 outputs reported to Trace after this step
}

// tracedTensor is a float32 output of an op and its arena view.
type tracedTensor struct {
	tensor int
	values []float32
}

// setBarriers decides where workers must wait for each other: after a step
// split across workers, and before one that is. Consecutive serial steps all
// run on worker 0, in order, and need no barrier between them.
//
// This is sound for any graph whose steps are in an order where each reads
// only tensors written by earlier steps (Validate checks the op order): a
// tensor written by a split step is complete at the barrier after it, one
// written by a serial step is complete before worker 0 moves on, and a
// step's inputs, however many, were all written before it. The same
// barriers order every read of a buffer before a later step that reuses its
// memory (the arena shares only buffers whose live ranges of ops do not
// overlap).
func setBarriers(steps []step) {
	last := -1
	for i := range steps {
		if steps[i].units == 0 {
			continue
		}
		if last >= 0 {
			steps[last].barrier = !steps[last].serial || !steps[i].serial
		}
		last = i
	}
	if last >= 0 {
		steps[last].barrier = !steps[last].serial
	}
}

// engine is what the workers share: the steps, their barrier and the panic
// of the current run. It holds no reference to the Plan so that an
// unreachable plan can be collected.
type engine struct {
	steps   []step
	bar     barrier
	failure atomic.Pointer[stepPanic] // first panic of the run, nil when none
}

// exec runs worker w's share of every step, nw workers in all. Worker 0 (the
// caller of Run) records each layer's wall time (the sum over its steps)
// into nanos when it is not nil.
// Once a step has panicked (on any worker) the remaining steps are skipped,
// but every worker still meets the others at every barrier.
func (e *engine) exec(w, nw int, nanos []int64) {
	var t0 time.Time
	if nanos != nil && w == 0 {
		clear(nanos)
	}
	for i := range e.steps {
		s := &e.steps[i]
		if nanos != nil && w == 0 {
			t0 = time.Now()
		}
		if s.units > 0 && e.failure.Load() == nil {
			if s.serial {
				if w == 0 {
					e.runStep(i, 0, 0, s.units)
				}
			} else if lo, hi := s.units*w/nw, s.units*(w+1)/nw; lo < hi {
				e.runStep(i, w, lo, hi)
			}
		}
		if s.barrier && nw > 1 {
			e.bar.wait(nw)
		}
		if nanos != nil && w == 0 {
			nanos[s.layer] += time.Since(t0).Nanoseconds()
		}
	}
}

// run runs one inference on the plan's workers.
func (p *Plan) run(nanos []int64) error {
	if p.closed {
		return errClosed
	}
	switch {
	case p.trace != nil:
		p.runTraced(nanos)
	case p.pool == nil:
		p.eng.exec(0, 1, nanos)
	default:
		p.pool.wakeAll()
		p.eng.exec(0, p.pool.n, nanos)
	}
	return p.takeFailure()
}

// runTraced runs every step on the calling goroutine and reports each float32
// output of an op to the trace function after the op's last step. It stops at
// a step that panics.
func (p *Plan) runTraced(nanos []int64) {
	if nanos != nil {
		clear(nanos)
	}
	for i := range p.eng.steps {
		s := &p.eng.steps[i]
		t0 := time.Now()
		if s.units > 0 {
			p.eng.runStep(i, 0, 0, s.units)
			if p.eng.failure.Load() != nil {
				return
			}
		}
		if nanos != nil {
			nanos[s.layer] += time.Since(t0).Nanoseconds()
		}
		for _, t := range s.traced {
			p.trace(s.op, t.tensor, t.values)
		}
	}
}
