package runtime

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

func init() {
	refOps[tflite.OpConcatenation] = refConcatenation
}

// refConcatenation is the reference CONCATENATION: the inputs' real values
// side by side along the axis (refRun then rounds them once onto the
// output's grid).
func refConcatenation(m *tflite.Model, op *tflite.Op, vals [][]float64) []float64 {
	out := &m.Tensors[op.Outputs[0]]
	axis, _ := concatAxis(op, len(out.Shape))
	outer := 1
	for _, d := range out.Shape[:axis] {
		outer *= d
	}
	var res []float64
	for o := range outer {
		for _, ti := range op.Inputs {
			n := m.Tensors[ti].Elems() / outer
			res = append(res, vals[ti][o*n:(o+1)*n]...)
		}
	}
	return res
}

// reshape adds a RESHAPE of x to shape.
func (b *graphBuilder) reshape(x int, shape ...int) int {
	s, zp := b.quant(x)
	y := b.act("reshape", shape, s, zp)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpReshape, Inputs: []int{x}, Outputs: []int{y}, NewShape: shape})
	return y
}

// concat adds a CONCATENATION of xs along axis with an output of the given
// shape quantized as (s, zp).
func (b *graphBuilder) concat(axis int, shape []int, s float32, zp int64, xs ...int) int {
	y := b.act("concat", shape, s, zp)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpConcatenation, Inputs: xs, Outputs: []int{y}, Axis: axis})
	return y
}

// concatNet joins three convolutions quantized differently (scale 0.05
// zero point 3; 6/255, -128 twice) along the channels (axis 3, outer 36
// pixels) and, reshaped to [1 N 4] rows as SSD's heads are, along axis -2
// (one outer row). Outputs: both concatenations.
func concatNet(scheme tinyScheme, seed uint64) *tflite.Model {
	b, x := newGraphBuilder(scheme, seed, 1, 6, 6, 3)
	a := b.conv(tflite.OpConv2D, x, 3, 1, 4, tflite.ActNone)
	c := b.conv(tflite.OpConv2D, x, 1, 1, 5, tflite.ActRelu6)
	d := b.conv(tflite.OpConv2D, x, 3, 2, 4, tflite.ActRelu6)
	channels := b.concat(3, []int{1, 6, 6, 11}, 0.05, 3, a, c, b.conv(tflite.OpConv2D, x, 1, 1, 2, tflite.ActRelu6))
	rows := b.concat(-2, []int{1, 45, 4}, 0.04, -20, b.reshape(a, 1, 36, 4), b.reshape(d, 1, 9, 4))
	b.m.Outputs = []int{channels, rows}
	return b.m
}

func TestConcatenationAgainstReference(t *testing.T) {
	for _, scheme := range []tinyScheme{schemeF32, schemeU8, schemeI8} {
		m := concatNet(scheme, 11)
		tol := 1e-5 // float: copies
		if scheme != schemeF32 {
			// float64 reference vs float32 dequantization: a value exactly
			// half-way between two steps may round either way.
			tol = 1
		}
		for _, threads := range []int{1, 3} {
			t.Run(fmt.Sprintf("%v/t%d", scheme, threads), func(t *testing.T) {
				p := compilePlanT(t, m, Options{Threads: threads})
				checkOutputsAgainstRef(t, m, p, tol)
				want := map[tinyScheme]string{schemeF32: "concat_f32", schemeU8: "concat_q8_requant", schemeI8: "concat_q8_requant"}[scheme]
				if got := p.KernelsByType()["concat"]; got != want {
					t.Errorf("concat kernel %q, want %q", got, want)
				}
			})
		}
	}
}

// TestConcatenationSameQuantCopies checks that inputs quantized as the
// output are copied exactly: a concatenation of a tensor with itself is
// two copies of it.
func TestConcatenationSameQuantCopies(t *testing.T) {
	b, x := newGraphBuilder(schemeU8, 3, 1, 4, 4, 3)
	a := b.conv(tflite.OpConv2D, x, 3, 1, 3, tflite.ActNone)
	s, zp := b.quant(a)
	y := b.concat(3, []int{1, 4, 4, 6}, s, zp, a, a)
	b.m.Outputs = []int{y, a}
	p := compilePlanT(t, b.m, Options{Threads: 2})
	runPlanImage(t, p, 5)
	got, src := p.OutputRawAt(0), p.OutputRawAt(1)
	for px := range 16 {
		for k := range 2 {
			for ch := range 3 {
				if g, w := got[px*6+k*3+ch], src[px*3+ch]; g != w {
					t.Fatalf("pixel %d copy %d channel %d: %d, want %d", px, k, ch, g, w)
				}
			}
		}
	}
	if k := p.KernelsByType()["concat"]; k != "concat_q8" {
		t.Errorf("kernel %q, want concat_q8 (no requantization)", k)
	}
}

// TestConcatenationValidate refuses malformed concatenations. The model
// holds a uint8 convolution A [1 6 6 4] (scale 0.05), another C [1 6 6 5]
// (6/255), A reshaped to [1 36 4] and A dequantized to float32; each case
// concatenates some of them.
func TestConcatenationValidate(t *testing.T) {
	type tensors struct{ a, c, flat, float, out int }
	cases := []struct {
		name   string
		op     func(ts tensors) tflite.Op
		mutate func(m *tflite.Model, ts tensors)
		kind   error
		want   string
	}{
		{name: "valid", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.c}, Axis: -1} }},
		{name: "axis out of range", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.c}, Axis: 4} },
			kind: ErrInvalidModel, want: "axis 4 is out of range for rank 4"},
		{name: "negative axis out of range", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.c}, Axis: -5} },
			kind: ErrInvalidModel, want: "axis -5 is out of range"},
		{name: "fused activation", op: func(ts tensors) tflite.Op {
			return tflite.Op{Inputs: []int{ts.a, ts.c}, Axis: 3, Activation: tflite.ActRelu}
		}, kind: ErrUnsupported, want: "fused activation 1"},
		{name: "output size", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.a}, Axis: 3} },
			kind: ErrInvalidModel, want: "want [1 6 6 8] (the inputs joined along axis 3)"},
		{name: "other dimension", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.c}, Axis: 2} },
			kind: ErrInvalidModel, want: "differs from the output [1 6 6 9] in dimension 3"},
		{name: "rank", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.flat}, Axis: 3} },
			kind: ErrInvalidModel, want: "want 4 dimensions"},
		{name: "type", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.float}, Axis: 3} },
			kind: ErrUnsupported, want: "type float32, output uint8"},
		{name: "per-channel output", op: func(ts tensors) tflite.Op { return tflite.Op{Inputs: []int{ts.a, ts.c}, Axis: 3} },
			mutate: func(m *tflite.Model, ts tensors) {
				m.Tensors[ts.out].Quant = &tflite.Quantization{Scale: make([]float32, 9), ZeroPoint: make([]int64, 9), Axis: 3}
				for i := range m.Tensors[ts.out].Quant.Scale {
					m.Tensors[ts.out].Quant.Scale[i] = 0.1
				}
			}, kind: ErrUnsupported, want: "activations must be quantized per tensor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, x := newGraphBuilder(schemeU8, 2, 1, 6, 6, 3)
			var ts tensors
			ts.a = b.conv(tflite.OpConv2D, x, 3, 1, 4, tflite.ActNone)
			ts.c = b.conv(tflite.OpConv2D, x, 1, 1, 5, tflite.ActRelu6)
			ts.flat = b.reshape(ts.a, 1, 36, 4)
			ts.float = b.add(tflite.Tensor{Name: "float", Shape: []int{1, 6, 6, 4}, Type: tflite.Float32})
			b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpDequantize, Inputs: []int{ts.a}, Outputs: []int{ts.float}})
			ts.out = b.act("concat", []int{1, 6, 6, 9}, 0.05, 3)
			op := c.op(ts)
			op.Kind, op.Outputs = tflite.OpConcatenation, []int{ts.out}
			b.m.Ops = append(b.m.Ops, op)
			b.m.Outputs = []int{ts.out}
			if c.mutate != nil {
				c.mutate(b.m, ts)
			}
			err := Validate(b.m)
			if c.kind == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "(CONCATENATION)") {
				t.Errorf("Validate: %v; want %v naming CONCATENATION and %q", err, c.kind, c.want)
			}
		})
	}
}
