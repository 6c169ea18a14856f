package runtime

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

func init() {
	refOps[tflite.OpLogistic] = func(m *tflite.Model, op *tflite.Op, vals [][]float64) []float64 {
		src := vals[op.Inputs[0]]
		out := make([]float64, len(src))
		for i, x := range src {
			out[i] = 1 / (1 + math.Exp(-x))
		}
		return out
	}
}

// logistic adds a LOGISTIC of x; a quantized output has TFLite's scale 1/256
// and zero point 0 (uint8) or -128 (int8), -128 in the int8 domain.
func (b *graphBuilder) logistic(x int) int {
	y := b.act("sigmoid", b.m.Tensors[x].Shape, 1.0/256, -128)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpLogistic, Inputs: []int{x}, Outputs: []int{y}})
	return y
}

// logisticNet is a convolution (outputs around ±8, scale 0.05) and its
// sigmoid; both are outputs.
func logisticNet(scheme tinyScheme, seed uint64) *tflite.Model {
	b, x := newGraphBuilder(scheme, seed, 1, 9, 9, 3)
	a := b.conv(tflite.OpConv2D, x, 3, 1, 13, tflite.ActNone)
	b.m.Outputs = []int{b.logistic(a), a}
	return b.m
}

func TestLogisticAgainstReference(t *testing.T) {
	for _, scheme := range []tinyScheme{schemeF32, schemeU8, schemeI8} {
		m := logisticNet(scheme, 21)
		tol := 1e-6 // float32 sigmoid against float64
		if scheme != schemeF32 {
			tol = 1 // a sigmoid exactly half-way between two steps may round either way
		}
		for _, threads := range []int{1, 2} {
			t.Run(fmt.Sprintf("%v/t%d", scheme, threads), func(t *testing.T) {
				p := compilePlanT(t, m, Options{Threads: threads})
				checkOutputsAgainstRef(t, m, p, tol)
			})
		}
	}
}

// TestLogisticQuantizedExact compares every quantized output with the
// sigmoid of its dequantized input computed as the golden engine does
// (float32, rounded once): exactly equal.
func TestLogisticQuantizedExact(t *testing.T) {
	for _, scheme := range []tinyScheme{schemeU8, schemeI8} {
		m := logisticNet(scheme, 22)
		p := compilePlanT(t, m, Options{Threads: 1})
		runPlanImage(t, p, 3)
		out, in := p.OutputRawAt(0), p.OutputRawAt(1)
		inT, outT := &m.Tensors[m.Outputs[1]], &m.Tensors[m.Outputs[0]]
		for i := range in {
			q, zp := float32(quantAt(inT.Type, in, i)), float32(inT.Quant.ZeroPoint[0])
			x := (q - zp) * inT.Quant.Scale[0]
			y := 1 / (1 + float32(math.Exp(float64(-x))))
			want := math.Round(float64(y/outT.Quant.Scale[0])) + float64(outT.Quant.ZeroPoint[0])
			if got := quantAt(outT.Type, out, i); float64(got) != want {
				t.Fatalf("%v element %d: input %v (x = %v): sigmoid %d, want %v", scheme, i, q, x, got, want)
			}
		}
	}
}

func TestLogisticValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(m *tflite.Model)
		want   string
	}{
		{"shape", func(m *tflite.Model) { m.Tensors[m.Outputs[0]].Shape = []int{1, 9, 9, 12} }, "want [1 9 9 13] (same as input)"},
		{"type", func(m *tflite.Model) { m.Tensors[m.Outputs[0]].Type = tflite.Int8 }, "input type uint8, output type int8"},
	} {
		m := logisticNet(schemeU8, 1)
		c.mutate(m)
		if err := Validate(m); err == nil || !errors.Is(err, ErrInvalidModel) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "(LOGISTIC)") {
			t.Errorf("%s: Validate: %v; want an invalid-model error naming LOGISTIC and %q", c.name, err, c.want)
		}
	}
}
