package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// hugeActivationModel is a few hundred bytes of TFLite declaring float32
// activations of side x side: input -AVERAGE_POOL_2D 1x1-> pool -SOFTMAX->
// output, all [1 side side 1]. Without a budget its plan would allocate
// about 5 * 4 * side * side bytes (three arena buffers, two output copies).
func hugeActivationModel(side int) *tflite.Model {
	act := func(name string) tflite.Tensor {
		return tflite.Tensor{Name: name, Shape: []int{1, side, side, 1}, Type: tflite.Float32}
	}
	return &tflite.Model{
		Version: tflite.SchemaVersion,
		Tensors: []tflite.Tensor{act("input"), act("pool"), act("prob")},
		Ops: []tflite.Op{
			{Kind: tflite.OpAveragePool2D, Version: 1, Inputs: []int{0}, Outputs: []int{1}, Padding: tflite.PadValid,
				StrideH: 1, StrideW: 1, FilterH: 1, FilterW: 1, DilationH: 1, DilationW: 1},
			{Kind: tflite.OpSoftmax, Version: 1, Inputs: []int{1}, Outputs: []int{2}, Beta: 1},
		},
		Inputs:  []int{0},
		Outputs: []int{2},
	}
}

// compileAllocs compiles m and returns the plan (or error) and the bytes
// allocated meanwhile.
func compileAllocs(m *tflite.Model, opt Options) (*Plan, int64, error) {
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	p, err := Compile(m, opt)
	goruntime.ReadMemStats(&after)
	return p, int64(after.TotalAlloc - before.TotalAlloc), err
}

// TestCompileRefusesHugeActivations loads a tiny file declaring 9000x9000
// float tensors: Compile must refuse it with the sizes, the budget and the
// largest tensor, having allocated next to nothing.
func TestCompileRefusesHugeActivations(t *testing.T) {
	var buf strings.Builder
	if err := tflite.Write(&buf, hugeActivationModel(9000)); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1024 {
		t.Fatalf("the hostile file is %d bytes, want under 1 KiB", buf.Len())
	}
	m, err := Parse([]byte(buf.String()))
	if err != nil {
		t.Fatalf("Parse: %v (the model is valid; only its size is hostile)", err)
	}
	for _, threads := range []int{1, 2} {
		p, allocated, err := compileAllocs(m, Options{Threads: threads})
		if err == nil {
			p.Close()
			t.Fatalf("threads %d: Compile accepted a plan of gigabytes", threads)
		}
		t.Logf("%d-byte file, threads %d: %v", buf.Len(), threads, err)
		if !errors.Is(err, ErrMemoryBudget) {
			t.Errorf("error %q does not wrap ErrMemoryBudget", err)
		}
		for _, want := range []string{
			"the plan needs 1620000000 bytes (1.5 GiB: activation arena 927.0 MiB, output buffers 618.0 MiB)",
			"the budget is 268435456 bytes (256.0 MiB;", `the largest tensor is 0 "input" [1 9000 9000 1] float32, 309.0 MiB`,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
		if allocated > 1<<20 {
			t.Errorf("threads %d: Compile allocated %d bytes before refusing, want under 1 MiB", threads, allocated)
		}
	}
}

// TestMemoryBudgetBounds checks, on models of every scheme, that what Compile
// counts is an upper bound of what it allocates, that a budget of exactly
// that many bytes compiles and one byte less is refused.
func TestMemoryBudgetBounds(t *testing.T) {
	type budgetModel struct {
		name string
		m    *tflite.Model
	}
	var models []budgetModel
	for _, sc := range []tinyScheme{schemeF32, schemeU8, schemeI8, schemeI8Float} {
		models = append(models, budgetModel{"tiny_" + sc.String(), tinyNet(sc, 16, 1)})
	}
	for _, dt := range []tflite.DType{tflite.Float32, tflite.Int8} {
		m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 96, DType: dt, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, budgetModel{"built_0.25_96_" + dt.String(), m})
	}
	wo, _ := weightsOnlyTiny(t, storeInt8(true))
	models = append(models, budgetModel{"weights_only_int8", wo})
	// Every block a full conv: the im2col path, with its patch scratch.
	full, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 64, FullConv: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	models = append(models, budgetModel{"fullconv_0.25_64", full})

	for _, bm := range models {
		for _, threads := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/t%d", bm.name, threads), func(t *testing.T) {
				p, allocated, err := compileAllocs(bm.m, Options{Threads: threads})
				if err != nil {
					t.Fatal(err)
				}
				need := p.planned.total()
				p.Close()
				t.Logf("counted %d bytes %+v, allocated %d", need, p.planned, allocated)
				// What Compile allocates besides the counted buffers (layer
				// descriptions, closures, the folded model's tensor list)
				// does not grow with the shapes.
				const untracked = 64 << 10
				if allocated > need+untracked {
					t.Errorf("Compile allocated %d bytes, more than the %d it counted plus %d", allocated, need, untracked)
				}
				if p.planned.arena != int64(p.ArenaBytes()) {
					t.Errorf("counted arena %d bytes, the plan's is %d", p.planned.arena, p.ArenaBytes())
				}
				exact, err := Compile(bm.m, Options{Threads: threads, MaxMemory: need})
				if err != nil {
					t.Fatalf("budget of exactly %d bytes: %v", need, err)
				}
				exact.Close()
				if p, err := Compile(bm.m, Options{Threads: threads, MaxMemory: need - 1}); !errors.Is(err, ErrMemoryBudget) {
					if p != nil {
						p.Close()
					}
					t.Errorf("budget of %d bytes: err = %v, want ErrMemoryBudget", need-1, err)
				}
			})
		}
	}
	if _, err := Compile(tinyNet(schemeF32, 10, 1), Options{MaxMemory: -1}); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("MaxMemory -1: err = %v, want an error about the negative budget", err)
	}
}

// TestFoldedConstantsCountFirst checks that the float32 copies of
// dequantized constants are counted before they are made: a fully connected
// layer whose 1000x1000 int8 weights sit behind a DEQUANTIZE folds into 4 MB
// of float32, and a 3 MB budget refuses it having allocated far less.
func TestFoldedConstantsCountFirst(t *testing.T) {
	const n = 1000
	m := &tflite.Model{
		Version: tflite.SchemaVersion,
		Tensors: []tflite.Tensor{
			{Name: "input", Shape: []int{1, n}, Type: tflite.Float32},
			{Name: "fc/w_int8", Shape: []int{n, n}, Type: tflite.Int8, Data: make([]byte, n*n),
				Quant: &tflite.Quantization{Scale: []float32{0.01}, ZeroPoint: []int64{0}}},
			{Name: "fc/w", Shape: []int{n, n}, Type: tflite.Float32},
			{Name: "fc", Shape: []int{1, n}, Type: tflite.Float32},
		},
		Ops: []tflite.Op{
			{Kind: tflite.OpDequantize, Version: 2, Inputs: []int{1}, Outputs: []int{2}},
			{Kind: tflite.OpFullyConnected, Version: 1, Inputs: []int{0, 2, -1}, Outputs: []int{3}},
		},
		Inputs:  []int{0},
		Outputs: []int{3},
	}
	if got := foldedBytes(m); got != 4*n*n {
		t.Fatalf("foldedBytes = %d, want %d", got, 4*n*n)
	}
	p, allocated, err := compileAllocs(m, Options{Threads: 1, MaxMemory: 3 << 20})
	// Refused at the first check: only the folded constants are counted yet.
	if !errors.Is(err, ErrMemoryBudget) || !strings.Contains(err.Error(), "the plan needs 4000000 bytes (3.8 MiB: folded constants 3.8 MiB)") {
		if p != nil {
			p.Close()
		}
		t.Fatalf("budget below the folded constants: err = %v, want ErrMemoryBudget counting them", err)
	}
	if allocated > 1<<20 {
		t.Errorf("Compile allocated %d bytes before refusing, want under 1 MiB", allocated)
	}
	p, err = Compile(m, Options{Threads: 1})
	if err != nil {
		t.Fatalf("the default budget: %v", err)
	}
	defer p.Close()
	if p.planned.folded != 4*n*n {
		t.Errorf("the plan counted %d bytes of folded constants, want %d", p.planned.folded, 4*n*n)
	}
}
