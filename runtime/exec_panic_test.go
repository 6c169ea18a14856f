package runtime

import (
	"bytes"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// armPanic makes step i of p panic once, on worker w only, with an index out
// of range, the next time that worker runs its share of the step.
func armPanic(p *Plan, i, w int) {
	orig := p.eng.steps[i].run
	var armed atomic.Bool
	armed.Store(true)
	p.eng.steps[i].run = func(wk, lo, hi int) {
		if wk == w && armed.CompareAndSwap(true, false) {
			var empty []int
			_ = empty[hi] // index out of range
		}
		orig(wk, lo, hi)
	}
}

// runWithin runs f on another goroutine and fails the test if it has not
// returned after a generous timeout: a worker left parked at a barrier hangs.
func runWithin(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not return: the workers are stuck", what)
		return nil
	}
}

// TestRunRecoversStepPanic makes a step panic on worker 0 and on a pool
// worker, in a split step and in a serial one, through Run, RunProfiled and
// a traced plan: each run returns a *PanicError naming the op, the kernel and
// the worker, and the next run on the same plan gives the right output.
// Closing the plan then ends every worker goroutine.
func TestRunRecoversStepPanic(t *testing.T) {
	baseGoroutines := goruntime.NumGoroutine()
	const threads = 3
	m := tinyNet(schemeF32, 16, 1)
	p, err := Compile(m, Options{Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	runPlanImage(t, p, 5)
	want := bytes.Clone(p.OutputRaw())

	split, serial := -1, -1
	for i, s := range p.eng.steps {
		if split < 0 && !s.serial && s.units >= threads {
			split = i
		}
		if serial < 0 && s.serial && s.units > 0 {
			serial = i
		}
	}
	if split < 0 || serial < 0 {
		t.Fatalf("no split step with %d units or no serial step in %d steps", threads, len(p.eng.steps))
	}
	cases := []struct {
		step, worker int
		profiled     bool
	}{
		{split, 0, false},
		{split, threads - 1, false},
		{split, 1, true},
		{serial, 0, false},
		{serial, 0, true},
	}
	nanos := make([]int64, len(p.Layers()))
	for _, tc := range cases {
		t.Run(fmt.Sprintf("step%d/worker%d/profiled=%t", tc.step, tc.worker, tc.profiled), func(t *testing.T) {
			armPanic(p, tc.step, tc.worker)
			run := p.Run
			if tc.profiled {
				run = func() error { return p.RunProfiled(nanos) }
			}
			err := runWithin(t, "the failing run", run)
			checkPanicError(t, err, p.Layers()[tc.step], tc.worker)
			if err := runWithin(t, "the next run", p.Run); err != nil {
				t.Fatalf("the run after the panic: %v", err)
			}
			if !bytes.Equal(p.OutputRaw(), want) {
				t.Errorf("the run after the panic gives another output")
			}
		})
	}

	p.Close()
	deadline := time.Now().Add(10 * time.Second)
	for goruntime.NumGoroutine() > baseGoroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := goruntime.NumGoroutine(); n > baseGoroutines {
		t.Errorf("%d goroutines after Close, %d before Compile: workers leaked", n, baseGoroutines)
	}
}

// TestTracedRunRecoversStepPanic checks the single-goroutine traced path.
func TestTracedRunRecoversStepPanic(t *testing.T) {
	m := tinyNet(schemeF32, 10, 2)
	traced := 0
	p := compilePlanT(t, m, Options{Threads: 2, Trace: func(int, int, []float32) { traced++ }})
	runPlanImage(t, p, 3)
	want := bytes.Clone(p.OutputRaw())
	armPanic(p, 1, 0)
	traced = 0
	checkPanicError(t, p.Run(), p.Layers()[1], 0)
	if traced != 1 {
		t.Errorf("trace called %d times before the panic at step 1, want 1", traced)
	}
	if err := p.Run(); err != nil {
		t.Fatalf("the run after the panic: %v", err)
	}
	if !bytes.Equal(p.OutputRaw(), want) {
		t.Errorf("the run after the panic gives another output")
	}
}

func checkPanicError(t *testing.T, err error, l LayerInfo, worker int) {
	t.Helper()
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *PanicError", err)
	}
	if pe.Op != l.Index || pe.OpName != l.Op || pe.Kernel != l.Kernel || pe.Worker != worker {
		t.Errorf("PanicError op %d %s kernel %s worker %d, want op %d %s kernel %s worker %d",
			pe.Op, pe.OpName, pe.Kernel, pe.Worker, l.Index, l.Op, l.Kernel, worker)
	}
	var re goruntime.Error
	if !errors.As(err, &re) || !strings.Contains(re.Error(), "index out of range") {
		t.Errorf("the panic value %v does not unwrap to the runtime error", pe.Value)
	}
	for _, s := range []string{fmt.Sprintf("op %d (%s)", l.Index, l.Op), "kernel " + l.Kernel, fmt.Sprintf("worker %d", worker)} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if !bytes.Contains(pe.Stack, []byte("armPanic")) {
		t.Errorf("the stack does not show the panicking function:\n%s", pe.Stack)
	}
}
