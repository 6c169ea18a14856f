package runtime

import (
	"fmt"
	"runtime/debug"
)

// PanicError is the error Run and RunProfiled return when a compiled step
// panics (a kernel indexing out of range, say) on any worker. The other
// workers finish the run without waiting for the failed one, the remaining
// steps are skipped, and the plan stays usable: the next Run starts afresh.
type PanicError struct {
	Op     int    // op index in the model
	OpName string // TFLite op name, e.g. "DEPTHWISE_CONV_2D"
	Kernel string // implementation name, e.g. "dwconv_f32_neon"
	Worker int    // worker that panicked (0 is the goroutine calling Run)
	Value  any    // the value passed to panic
	Stack  []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("runtime: op %d (%s): kernel %s panicked on worker %d: %v", e.Op, e.OpName, e.Kernel, e.Worker, e.Value)
}

// Unwrap returns the panic value when it is an error (a runtime.Error for an
// index out of range), so that errors.As reaches it.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// stepPanic is a panic recovered by one worker during a run.
type stepPanic struct {
	step, worker int
	value        any
	stack        []byte
}

// runStep runs worker w's units [lo, hi) of step i. A panic is recovered and
// recorded (the first one of a run wins), so that the worker goes on to meet
// its peers at every barrier instead of leaving them parked. The deferred
// call is open-coded: nothing is allocated unless a step panics.
func (e *engine) runStep(i, w, lo, hi int) {
	defer func() {
		if r := recover(); r != nil {
			e.failure.CompareAndSwap(nil, &stepPanic{step: i, worker: w, value: r, stack: debug.Stack()})
		}
	}()
	e.steps[i].run(w, lo, hi)
}

// takeFailure returns the panic of the run that just ended as a *PanicError,
// or nil, and clears it for the next run. It is called by worker 0 after
// exec: every step's share on another worker ended before the final barrier.
func (p *Plan) takeFailure() error {
	f := p.eng.failure.Swap(nil)
	if f == nil {
		return nil
	}
	l := &p.layers[p.eng.steps[f.step].layer]
	return &PanicError{Op: l.Index, OpName: l.Op, Kernel: l.Kernel, Worker: f.worker, Value: f.value, Stack: f.stack}
}
