package runtime

import (
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Two test-only custom ops, registered in the table like any op: a fan-out
// op with 2 to 4 outputs (out k = x + k, the shape of the detection
// post-process's four results) and a join op with two inputs (a - b, not
// commutative, so swapped inputs show). Float32 only. Their reference
// semantics are in refTestOps.
const (
	testSplitOp = "EdgecamTestSplit"
	testJoinOp  = "EdgecamTestJoin"
)

func init() {
	registerOp(&opDef{
		kind: tflite.OpCustom, custom: testSplitOp,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 2, maxOut: 4,
		layerType: fixedType("test"),
		validate:  (*opCheck).testElementwise,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
			src := c.f32(op.Inputs[0])
			outs := make([][]float32, len(op.Outputs))
			for k, t := range op.Outputs {
				outs[k] = c.f32(t)
			}
			info.Kernel = "test_split"
			n := len(src)
			return []step{{units: tiles(n, 16), run: func(_, u0, u1 int) {
				for k, dst := range outs {
					for i := u0 * 16; i < min(u1*16, n); i++ {
						dst[i] = src[i] + float32(k)
					}
				}
			}}}, nil
		},
	})
	registerOp(&opDef{
		kind: tflite.OpCustom, custom: testJoinOp,
		inputs: []operand{{name: "input"}},
		minIn:  2, maxIn: 2, minOut: 1, maxOut: 1,
		layerType: fixedType("test"),
		validate:  (*opCheck).testElementwise,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error) {
			a, b, dst := c.f32(op.Inputs[0]), c.f32(op.Inputs[1]), c.f32(op.Outputs[0])
			info.Kernel = "test_join"
			// Two steps: the first half, split across workers, then the
			// second half on worker 0 (an op may compile to several steps).
			n := len(dst)
			half := n / 2
			return []step{
				{units: tiles(half, 16), run: func(_, u0, u1 int) {
					for i := u0 * 16; i < min(u1*16, half); i++ {
						dst[i] = a[i] - b[i]
					}
				}},
				{units: 1, serial: true, run: func(int, int, int) {
					for i := half; i < n; i++ {
						dst[i] = a[i] - b[i]
					}
				}},
			}, nil
		},
	})
}

// testElementwise validates the test ops: every operand float32 of the
// first input's shape.
func (c *opCheck) testElementwise() error {
	in := c.in()
	for _, t := range append(append([]int{}, c.op.Inputs...), c.op.Outputs...) {
		tt := &c.m.Tensors[t]
		if tt.Type != tflite.Float32 || tt.Elems() != in.Elems() {
			return c.errf("tensor %d: %v %v, want float32 %v", t, tt.Type, tt.Shape, in.Shape)
		}
	}
	return nil
}

// refTestOps evaluates the test ops for the reference interpreter.
var refTestOps = map[string]func(ins [][]float64, nOut int) [][]float64{
	testSplitOp: func(ins [][]float64, nOut int) [][]float64 {
		outs := make([][]float64, nOut)
		for k := range outs {
			outs[k] = make([]float64, len(ins[0]))
			for i, v := range ins[0] {
				outs[k][i] = v + float64(k)
			}
		}
		return outs
	},
	testJoinOp: func(ins [][]float64, nOut int) [][]float64 {
		out := make([]float64, len(ins[0]))
		for i := range out {
			out[i] = ins[0][i] - ins[1][i]
		}
		return [][]float64{out}
	},
}

func TestOpTableEntries(t *testing.T) {
	// Every op edgecam runs, and only those, is in the table.
	names := supportedOps()
	for _, want := range []string{"AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "FULLY_CONNECTED",
		"QUANTIZE", "RESHAPE", "SOFTMAX", "SQUEEZE", testJoinOp, testSplitOp} {
		if !strings.Contains(names, want) {
			t.Errorf("supportedOps() = %q lacks %s", names, want)
		}
	}
	for k, d := range opTable {
		if d.kind != k.kind || d.custom != k.custom {
			t.Errorf("entry %v holds %s", k, d.name())
		}
		if got := lookupOp(&tflite.Op{Kind: d.kind, Custom: d.custom}); got != d {
			t.Errorf("lookupOp(%s) = %v", d.name(), got)
		}
	}
	if lookupOp(&tflite.Op{Kind: tflite.OpCustom, Custom: "NoSuchOp"}) != nil {
		t.Error("lookupOp found an unregistered custom op")
	}
	if lookupOp(&tflite.Op{Kind: tflite.OpConv2D, Custom: "ignored"}) == nil {
		t.Error("lookupOp of a builtin op must ignore Custom")
	}
}

func TestRegisterOpRejects(t *testing.T) {
	ok := func() *opDef {
		return &opDef{kind: tflite.OpCustom, custom: "EdgecamTestNew", inputs: []operand{{name: "input"}},
			minIn: 1, maxIn: 1, minOut: 1, maxOut: 1, layerType: fixedType("test"),
			validate: func(*opCheck) error { return nil },
			compile:  func(*compiler, *tflite.Op, *LayerInfo) ([]step, error) { return nil, nil }}
	}
	cases := map[string]func(d *opDef){
		"duplicate":           func(d *opDef) { d.custom = testJoinOp },
		"custom without name": func(d *opDef) { d.custom = "" },
		"builtin with name":   func(d *opDef) { d.kind = tflite.OpAdd },
		"no inputs":           func(d *opDef) { d.inputs = nil },
		"max below min":       func(d *opDef) { d.maxIn = 0 },
		"no outputs":          func(d *opDef) { d.minOut, d.maxOut = 0, 0 },
		"no validate":         func(d *opDef) { d.validate = nil },
		"alias with compile":  func(d *opDef) { d.alias = true },
		"no compile":          func(d *opDef) { d.compile = nil },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			d := ok()
			mutate(d)
			key := opKey{d.kind, d.custom}
			before, had := opTable[key]
			defer func() {
				if recover() == nil {
					t.Errorf("registerOp accepted %+v", d)
				}
				if had { // restore the table whatever registerOp did
					opTable[key] = before
				} else {
					delete(opTable, key)
				}
				if lookupOp(&tflite.Op{Kind: tflite.OpCustom, Custom: testJoinOp}) == nil {
					t.Fatalf("%s vanished from the table", testJoinOp)
				}
			}()
			registerOp(d)
		})
	}
}
