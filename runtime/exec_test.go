package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	goruntime "runtime"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// floatThreadTol bounds float32 output differences between thread counts
// (only a kernel's tail path may sum in another order).
const floatThreadTol = 1e-6

// execModel is a model the execution tests run.
type execModel struct {
	name string
	m    *tflite.Model
}

// execModels returns small graphs of every scheme, builder MobileNets (float
// and int8) and, when the fixtures are present, an official uint8 model.
func execModels(t *testing.T) []execModel {
	t.Helper()
	var ms []execModel
	for _, sc := range []tinyScheme{schemeF32, schemeU8, schemeI8, schemeI8Float} {
		ms = append(ms, execModel{"tiny_" + sc.String(), tinyNet(sc, 16, 1)})
	}
	for _, dt := range []tflite.DType{tflite.Float32, tflite.Int8} {
		m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 96, DType: dt, Seed: 1})
		if err != nil {
			t.Fatalf("mobilenet.Build %s: %v", dt, err)
		}
		ms = append(ms, execModel{"built_0.25_96_" + dt.String(), m})
	}
	if !testing.Short() {
		path := fixtures.Path(t, "models/mobilenet_v1_0.25_128_quant.tflite")
		m, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, execModel{"mobilenet_v1_0.25_128_quant", m})
	}
	return ms
}

// compilePlanT compiles m or fails the test, and closes the plan at cleanup.
func compilePlanT(t testing.TB, m *tflite.Model, opt Options) *Plan {
	t.Helper()
	p, err := Compile(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// runPlanImage sets a pseudo-random image of seed and runs p.
func runPlanImage(t testing.TB, p *Plan, seed uint64) {
	t.Helper()
	h, w, _ := p.InputShape()
	if err := p.SetInputRGB(planTestImage(h, w, seed)); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
}

func TestRunAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, em := range execModels(t) {
		for _, threads := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/t%d", em.name, threads), func(t *testing.T) {
				p := compilePlanT(t, em.m, Options{Threads: threads})
				h, w, _ := p.InputShape()
				img := planTestImage(h, w, 1)
				nanos := make([]int64, len(p.Layers()))
				top := make([]Class, 0, 5)
				allocs := testing.AllocsPerRun(10, func() {
					if err := p.SetInputRGB(img); err != nil {
						t.Fatal(err)
					}
					if err := p.Run(); err != nil {
						t.Fatal(err)
					}
					if err := p.RunProfiled(nanos); err != nil {
						t.Fatal(err)
					}
					p.OutputRaw()
					p.LogitsRaw()
					top = p.TopK(5, top)
				})
				if allocs != 0 {
					t.Errorf("SetInputRGB+Run+RunProfiled+OutputRaw+TopK allocate %v times per frame, want 0", allocs)
				}
				if !slices.ContainsFunc(nanos, func(n int64) bool { return n > 0 }) {
					t.Errorf("RunProfiled recorded no layer time: %v", nanos)
				}
			})
		}
	}
}

// TestRunSteadyStateMallocs counts heap allocations of multi-threaded runs
// with the real GOMAXPROCS (testing.AllocsPerRun forces GOMAXPROCS=1, which
// hides what parked workers cost). Blocking primitives take their wait
// records from caches that the first runs after a GC refill, so a round of
// frames counts after a GC and a warm-up, and the best of three rounds must
// allocate nothing.
func TestRunSteadyStateMallocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 64, DType: tflite.Int8, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := compilePlanT(t, m, Options{Threads: 2})
	runPlanImage(t, p, 1)
	// Parking a worker takes a sudog from the scheduler's caches, and a GC
	// empties the central cache, so the first frames after any GC can allocate
	// a few sudogs inside the Go runtime (sync.Cond and channel waits), not in
	// the plan. Collect once, then keep the GC off while the caches refill and
	// while measuring: what is asserted is that a frame itself allocates nothing.
	// The caches fill in proportion to how often workers park, which on a
	// loaded machine (a fast kernel, a busy second core) is most barriers:
	// hence the long warm-up and the best of many rounds. A frame that
	// allocated would allocate in every round.
	goruntime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for range 2000 {
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
	}
	best := uint64(math.MaxUint64)
	for range 10 {
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		for range 20 {
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
		}
		goruntime.ReadMemStats(&after)
		best = min(best, after.Mallocs-before.Mallocs)
	}
	if best != 0 {
		t.Errorf("20 two-thread runs allocate %d times in the best of 10 rounds, want 0", best)
	}
}

func TestThreadCountDeterminism(t *testing.T) {
	for _, em := range execModels(t) {
		t.Run(em.name, func(t *testing.T) {
			ref := compilePlanT(t, em.m, Options{Threads: 1})
			runPlanImage(t, ref, 7)
			wantOut := bytes.Clone(ref.OutputRaw())
			wantF := ref.OutputFloat(nil)
			wantLogits, _ := ref.LogitsRaw()
			wantLogits = bytes.Clone(wantLogits)
			for _, threads := range []int{2, 3, 4} {
				p := compilePlanT(t, em.m, Options{Threads: threads})
				for run := range 2 { // a second run checks worker reuse
					runPlanImage(t, p, 7)
					if p.OutputType() != tflite.Float32 {
						if got := p.OutputRaw(); !bytes.Equal(got, wantOut) {
							t.Errorf("threads %d run %d: int8 output differs from 1 thread", threads, run)
						}
						if got, _ := p.LogitsRaw(); !bytes.Equal(got, wantLogits) {
							t.Errorf("threads %d run %d: logits differ from 1 thread", threads, run)
						}
						continue
					}
					got := p.OutputFloat(nil)
					for i := range got {
						if d := math.Abs(float64(got[i] - wantF[i])); d > floatThreadTol {
							t.Errorf("threads %d run %d: output[%d] = %g, 1 thread %g", threads, run, i, got[i], wantF[i])
							break
						}
					}
				}
			}
		})
	}
}

// TestRunRepeatable checks that running again without setting the input
// gives the same output (the input is never overwritten by the arena).
func TestRunRepeatable(t *testing.T) {
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 64, DType: tflite.Int8, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	p := compilePlanT(t, m, Options{Threads: 2})
	logits := func() []byte {
		l, ok := p.LogitsRaw()
		if !ok {
			t.Fatal("LogitsRaw: no softmax")
		}
		return bytes.Clone(l)
	}
	runPlanImage(t, p, 1)
	first := logits()
	runPlanImage(t, p, 2)
	if bytes.Equal(first, logits()) {
		t.Fatal("two different images gave the same logits")
	}
	h, w, _ := p.InputShape()
	if err := p.SetInputRGB(planTestImage(h, w, 1)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, logits()) {
			t.Fatal("repeated Run on one input changed the logits")
		}
	}
}

func TestArenaShares(t *testing.T) {
	for _, em := range execModels(t) {
		t.Run(em.name, func(t *testing.T) {
			p := compilePlanT(t, em.m, Options{Threads: 1})
			if p.ArenaBytes() <= 0 || int64(p.ArenaBytes()) >= p.actBytes {
				t.Errorf("arena %d bytes, sum of activations %d: want 0 < arena < sum", p.ArenaBytes(), p.actBytes)
			}
			t.Logf("arena %d bytes, activations %d bytes (%.0f%%)", p.ArenaBytes(), p.actBytes, 100*float64(p.ArenaBytes())/float64(p.actBytes))
			pinned := []int{em.m.Outputs[0]}
			if l := logitsTensor(em.m); l >= 0 {
				pinned = append(pinned, l)
			}
			a, err := planArena(em.m, pinned)
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range a.bufs {
				if x.off%arenaAlign != 0 || x.off+x.size > a.size {
					t.Errorf("buffer %d at [%d,%d) is unaligned or outside the arena of %d", i, x.off, x.off+x.size, a.size)
				}
				for j, y := range a.bufs[:i] {
					liveTogether := x.first <= y.last && y.first <= x.last
					overlap := x.off < y.off+y.size && y.off < x.off+x.size && x.size > 0 && y.size > 0
					if liveTogether && overlap {
						t.Errorf("buffers %d and %d are live together and overlap: [%d,%d) and [%d,%d)", i, j, x.off, x.off+x.size, y.off, y.off+y.size)
					}
				}
			}
		})
	}
}

func TestTrace(t *testing.T) {
	m := tinyNet(schemeF32, 10, 2)
	var ops, tensors []int
	var last []float32
	p := compilePlanT(t, m, Options{Threads: 2, Trace: func(op, tensor int, values []float32) {
		ops, tensors = append(ops, op), append(tensors, tensor)
		if len(values) != m.Tensors[tensor].Elems() {
			t.Errorf("op %d: %d values for tensor %d of %d elements", op, len(values), tensor, m.Tensors[tensor].Elems())
		}
		last = slices.Clone(values)
	}})
	runPlanImage(t, p, 4)
	if len(ops) != len(m.Ops) {
		t.Fatalf("trace called for ops %v, want every one of %d ops", ops, len(m.Ops))
	}
	for i := range ops {
		if ops[i] != i || tensors[i] != m.Ops[i].Outputs[0] {
			t.Errorf("call %d: op %d tensor %d, want op %d tensor %d", i, ops[i], tensors[i], i, m.Ops[i].Outputs[0])
		}
	}
	if !slices.Equal(last, p.OutputFloat(nil)) {
		t.Errorf("last traced values %v differ from the output %v", last, p.OutputFloat(nil))
	}
}

func TestCompileRejects(t *testing.T) {
	cases := map[string]func(m *tflite.Model){
		"unsupported op":  func(m *tflite.Model) { m.Ops[1].Kind = tflite.OpKind(17) },
		"dilation":        func(m *tflite.Model) { m.Ops[1].DilationH, m.Ops[1].DilationW = 2, 2 },
		"wrong out shape": func(m *tflite.Model) { m.Tensors[m.Ops[0].Outputs[0]].Shape = []int{1, 4, 4, 8} },
		"bad input index": func(m *tflite.Model) { m.Ops[2].Inputs[0] = 999 },
		"no outputs":      func(m *tflite.Model) { m.Outputs = nil },
		"weights dropped": func(m *tflite.Model) { m.Ops[0].Inputs = m.Ops[0].Inputs[:1] },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			m := tinyNet(schemeU8, 10, 1)
			mutate(m)
			if p, err := Compile(m, Options{Threads: 1}); err == nil {
				p.Close()
				t.Fatal("Compile accepted a broken model")
			}
		})
	}
	if _, err := Compile(tinyNet(schemeF32, 10, 1), Options{Kernels: "turbo"}); err == nil {
		t.Error("Compile accepted kernel level \"turbo\"")
	}
	if _, err := Compile(nil, Options{}); err == nil {
		t.Error("Compile accepted a nil model")
	}
}

func TestClosedPlan(t *testing.T) {
	p, err := Compile(tinyNet(schemeF32, 10, 1), Options{Threads: 3})
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	p.Close() // idempotent
	if err := p.Run(); !errors.Is(err, errClosed) {
		t.Errorf("Run after Close: %v, want %v", err, errClosed)
	}
}

func TestLayersAndKernels(t *testing.T) {
	m := tinyNet(schemeI8, 16, 1)
	p := compilePlanT(t, m, Options{Threads: 1, Kernels: "generic"})
	layers := p.Layers()
	wantTypes := []string{"conv", "dwconv", "pwconv", "dwconv", "pwconv", "pool", "pwconv", "reshape", "fc", "softmax"}
	var got []string
	for _, l := range layers {
		got = append(got, l.Type)
	}
	if !slices.Equal(got, wantTypes) {
		t.Fatalf("layer types %v, want %v", got, wantTypes)
	}
	stats, err := mobilenet.Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range layers {
		s := stats[i]
		if l.MACs != s.MACs || l.Params != s.Params || l.Type != s.Type || l.Stride != s.Stride || !slices.Equal(l.OutShape, s.Out) {
			t.Errorf("layer %d: %+v disagrees with Describe %+v", i, l, s)
		}
	}
	if l := layers[0]; l.Stride != 2 || l.MACs != 8*8*8*3*3*3 || l.Kernel != "im2col+pwconv_q8_generic" {
		t.Errorf("first layer %+v: want stride 2, %d MACs, im2col+pwconv_q8_generic", l, 8*8*8*3*3*3)
	}
	k := p.KernelsByType()
	if k["pwconv"] != "pwconv_q8_generic" || k["fc"] != "pwconv_q8_generic" || k["dwconv"] != "dwconv_q8_generic" {
		t.Errorf("KernelsByType %v: want generic q8 kernels", k)
	}
}

func TestSetInputRGBRejectsWrongSize(t *testing.T) {
	p := compilePlanT(t, tinyNet(schemeF32, 10, 1), Options{Threads: 1})
	if err := p.SetInputRGB(make([]byte, 10*10*3-1)); err == nil {
		t.Error("SetInputRGB accepted 299 bytes for a 10x10x3 input")
	}
	if err := p.RunProfiled(nil); err == nil {
		t.Error("RunProfiled accepted a nil slice")
	}
}
