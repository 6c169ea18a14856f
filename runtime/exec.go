package runtime

import (
	"sync/atomic"
	"time"
)

// step is one compiled op: a function over a range of work units (output rows
// of a conv, row tiles of a pointwise GEMM, element chunks) that workers split
// between them.
type step struct {
	units   int                 // work units; 0: nothing to do (a reshape alias)
	serial  bool                // too small to split: worker 0 runs all units
	run     func(w, lo, hi int) // worker w computes units [lo, hi)
	barrier bool                // workers synchronise after this step

	op, tensor int       // op index and output tensor (for Trace)
	outF32     []float32 // output view when it is float32 (for Trace)
}

// setBarriers decides where workers must wait for each other: after a step
// split across workers, and before one that is, so that every step reads
// complete inputs. Consecutive serial steps all run on worker 0 and need no
// barrier between them.
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
// caller of Run) records per-step wall time into nanos when it is not nil.
// Once a step has panicked (on any worker) the remaining steps are skipped,
// but every worker still meets the others at every barrier.
func (e *engine) exec(w, nw int, nanos []int64) {
	var t0 time.Time
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
			nanos[i] = time.Since(t0).Nanoseconds()
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
// output to the trace function. It stops at a step that panics.
func (p *Plan) runTraced(nanos []int64) {
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
			nanos[i] = time.Since(t0).Nanoseconds()
		}
		if s.outF32 != nil {
			p.trace(s.op, s.tensor, s.outF32)
		}
	}
}
