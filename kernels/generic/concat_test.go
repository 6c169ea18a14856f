package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// concatCases are the layouts of concatenations: the SSD heads (one outer
// row: inputs of 1083, 600, 150, 54, 24 and 6 anchors of 4 or 91 values),
// channel concatenations (outer = H*W pixels) and one-value rows.
var concatCases = []struct {
	outer int
	n     []int
}{
	{1, []int{1083 * 4, 600 * 4, 150 * 4, 54 * 4, 24 * 4, 6 * 4}},
	{1, []int{1083 * 91, 600 * 91, 150 * 91, 54 * 91, 24 * 91, 6 * 91}},
	{7 * 5, []int{3, 16, 1, 17}},
	{12, []int{1, 1}},
	{3, []int{8}},
}

// TestConcatF32 places each input with ConcatF32 in a guarded output and
// compares with the row-by-row definition.
func TestConcatF32(t *testing.T) {
	r := kerneltest.Rand(71)
	for _, c := range concatCases {
		stride := 0
		for _, n := range c.n {
			stride += n
		}
		name := fmt.Sprintf("outer%d_n%v", c.outer, c.n)
		for _, shift := range []int{0, 1, 3} {
			g := kerneltest.NewGuarded[float32](c.outer*stride, shift)
			want := make([]float32, c.outer*stride)
			off := 0
			for _, n := range c.n {
				src := kerneltest.F32s(r, c.outer*n)
				generic.ConcatF32(g.Out(), src, c.outer, n, stride, off)
				for o := range c.outer {
					for i := range n {
						want[o*stride+off+i] = src[o*n+i]
					}
				}
				off += n
			}
			g.CheckUntouched(t, 0, len(want), name)
			for i, v := range g.Out() {
				if math.Float32bits(v) != math.Float32bits(want[i]) {
					t.Fatalf("%s: element %d = %v, want %v", name, i, v, want[i])
				}
			}
		}
	}
}

// TestConcatQ8 checks the requantizing copy and the plain one against the
// definition: dequantize in float32, quantize once.
func TestConcatQ8(t *testing.T) {
	r := kerneltest.Rand(72)
	type quant struct {
		scale float32
		zp    int32
	}
	// The SSD box heads' quantization (uint8 in the int8 domain: zero point
	// minus 128): the output's own, then five others.
	out := quant{0.07902787625789642, 191 - 128}
	ins := []quant{out, {0.031456824, 138 - 128}, {0.02928216, 126 - 128}, {0.027431415, 126 - 128}, {0.020655567, 138 - 128}, {0.020052034, 152 - 128}}
	for _, c := range concatCases {
		stride := 0
		for _, n := range c.n {
			stride += n
		}
		name := fmt.Sprintf("outer%d_n%v", c.outer, c.n)
		g := kerneltest.NewGuarded[int8](c.outer*stride, 2)
		want := make([]int8, c.outer*stride)
		off := 0
		for k, n := range c.n {
			q := ins[k%len(ins)]
			src := kerneltest.I8s(r, c.outer*n, -128, 127)
			table := generic.RequantTableQ8(q.scale, q.zp, out.scale, out.zp)
			if (table == nil) != (q == out) {
				t.Fatalf("input %d: table %v for quantization %+v, output %+v", k, table != nil, q, out)
			}
			generic.ConcatQ8(g.Out(), src, c.outer, n, stride, off, table)
			for o := range c.outer {
				for i := range n {
					v := src[o*n+i]
					real := float32(int32(v)-q.zp) * q.scale
					want[o*stride+off+i] = generic.QuantizeValue(real, out.scale, out.zp)
				}
			}
			off += n
		}
		g.CheckUntouched(t, 0, len(want), name)
		kerneltest.CompareI8(t, g.Out(), want, name)
	}
}

// TestRequantTableQ8Values checks entries worked out by hand: scale 0.5
// zero point 0 into scale 1 zero point 10 halves and rounds half away from
// zero (3*0.5 = 1.5 → 2, -3*0.5 = -1.5 → -2), then clamps.
func TestRequantTableQ8Values(t *testing.T) {
	table := generic.RequantTableQ8(0.5, 0, 1, 10)
	for _, c := range []struct{ q, want int8 }{{0, 10}, {3, 12}, {-3, 8}, {1, 11}, {-1, 9}, {127, 74}, {-128, -54}} {
		if got := table[uint8(c.q)]; got != c.want {
			t.Errorf("table[%d] = %d, want %d", c.q, got, c.want)
		}
	}
	table = generic.RequantTableQ8(1, 0, 0.25, 0)
	minus100 := int8(-100)
	if hi, lo := table[100], table[uint8(minus100)]; hi != 127 || lo != -128 {
		t.Errorf("a 4x narrower output range does not clamp: 100 → %d, -100 → %d", hi, lo)
	}
}

func TestConcatAllocatesNothing(t *testing.T) {
	src, dst := make([]float32, 600), make([]float32, 1000)
	src8, dst8 := make([]int8, 600), make([]int8, 1000)
	table := generic.RequantTableQ8(0.1, 3, 0.2, -5)
	for name, run := range map[string]func(){
		"ConcatF32":      func() { generic.ConcatF32(dst, src, 3, 200, 300, 100) },
		"ConcatQ8/table": func() { generic.ConcatQ8(dst8, src8, 3, 200, 300, 100, table) },
		"ConcatQ8/copy":  func() { generic.ConcatQ8(dst8, src8, 3, 200, 300, 0, nil) },
	} {
		if a := testing.AllocsPerRun(3, run); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, a)
		}
	}
}
