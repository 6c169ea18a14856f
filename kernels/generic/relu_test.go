package generic_test

import (
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestReluF32(t *testing.T) {
	r := kerneltest.Rand(57)
	src := kerneltest.F32s(r, 333)
	for i := range src {
		src[i] *= 10
	}
	for _, cl := range kerneltest.Clamps {
		g := kerneltest.NewGuarded[float32](len(src), 2)
		generic.ReluF32(g.Out(), src, cl.Lo, cl.Hi)
		g.CheckUntouched(t, 0, len(src), "ReluF32 "+cl.Name)
		for i, v := range src {
			if want := float32(math.Min(math.Max(float64(v), float64(cl.Lo)), float64(cl.Hi))); g.Out()[i] != want {
				t.Fatalf("ReluF32 %s: element %d = %v, want %v", cl.Name, i, g.Out()[i], want)
			}
		}
	}
}

// TestReluQ8Table checks the quantized RELU through its table for every
// int8 value: bit for bit against the float32 specification, and within
// half a step of the exact clamped real value (or at an end of the int8
// range).
func TestReluQ8Table(t *testing.T) {
	inf := float32(math.Inf(1))
	cases := []struct {
		name              string
		inScale, outScale float32
		inZP, outZP       int32
		lo, hi            float32
	}{
		{"relu same quant", 0.05, 0.05, 3, 3, 0, inf},
		{"relu6 requantized", 0.1, 6.0 / 255, -10, -128, 0, 6},
		{"relu_n1_to_1", 0.02, 1.0 / 128, 0, 0, -1, 1},
		{"relu halves", 0.5, 1, 1, 0, 0, inf},
	}
	src := make([]int8, 256)
	for i := range src {
		src[i] = int8(i - 128)
	}
	for _, c := range cases {
		var table [256]int8
		for q := -128; q < 128; q++ {
			table[q+128] = generic.ReluQ8Value(int8(q), c.inScale, c.inZP, c.lo, c.hi, c.outScale, c.outZP)
		}
		g := kerneltest.NewGuarded[int8](256, 1)
		generic.LookupQ8(g.Out(), src, &table)
		g.CheckUntouched(t, 0, 256, "LookupQ8 "+c.name)
		for i, q := range src {
			got := g.Out()[i]
			x := float32(float32(int32(q)-c.inZP) * c.inScale)
			x = min(max(x, c.lo), c.hi)
			if want := int8(min(max(int32(math.Round(float64(x/c.outScale)))+c.outZP, -128), 127)); got != want {
				t.Fatalf("%s: q=%d gives %d, want %d", c.name, q, got, want)
			}
			exact := math.Min(math.Max(float64(c.inScale)*float64(int32(q)-c.inZP), float64(c.lo)), float64(c.hi)) / float64(c.outScale)
			if s := float64(int32(got) - c.outZP); got > -128 && got < 127 && math.Abs(s-exact) > 0.5+1e-4 {
				t.Fatalf("%s: q=%d gives %d, %g steps from the exact value", c.name, q, got, s-exact)
			}
		}
	}
	var f [256]float32
	for q := range f {
		f[q] = float32(q) / 4
	}
	out := make([]float32, 256)
	generic.LookupQ8F32(out, src, &f)
	for i := range out {
		if out[i] != float32(i)/4 {
			t.Fatalf("LookupQ8F32: element %d = %v, want %v", i, out[i], float32(i)/4)
		}
	}
}
