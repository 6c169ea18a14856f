package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestAddF32(t *testing.T) {
	r := kerneltest.Rand(51)
	for i, n := range kerneltest.Awkward {
		a, b := kerneltest.Shifted(kerneltest.F32s(r, n), i%3), kerneltest.F32s(r, n)
		for j := range a {
			a[j] *= 8 // past the ReLU6 clamp
		}
		cl := kerneltest.Clamps[i%len(kerneltest.Clamps)]
		g := kerneltest.NewGuarded[float32](n, i%4)
		generic.AddF32(g.Out(), a, b, cl.Lo, cl.Hi)
		for j, got := range g.Out() {
			if want := min(max(a[j]+b[j], cl.Lo), cl.Hi); got != want {
				t.Fatalf("n=%d clamp=%s: element %d = %v, want %v", n, cl.Name, j, got, want)
			}
		}
		g.CheckUntouched(t, 0, n, fmt.Sprintf("AddF32 n=%d", n))
	}
}

// addQ8Cases are the quantizations of real residual ADDs of MobileNet-V2
// files (uint8 zero points shifted into the int8 domain) and edge cases:
// equal scales, scales whose sums land on exact halves, a fused ReLU6.
var addQ8Cases = []struct {
	name       string
	sa, sb, so float32
	za, zb, zo int32
	lo, hi     int32
}{
	{"v2_quant_first", 0.4015, 0.2758, 0.4322, 136 - 128, 119 - 128, 133 - 128, -128, 127},
	{"tf2_first", 0.2455, 0.3608, 0.4029, -7, -3, -1, -128, 127},
	{"equal", 0.05, 0.05, 0.05, 3, 3, 3, -128, 127},
	{"halves", 0.5, 0.25, 1, 0, 0, 0, -128, 127},
	{"relu6", 0.1, 0.07, 6.0 / 255, -20, 11, -128, -128, 127 - 0},
	{"tiny_out", 0.3, 0.3, 0.001, 0, 0, 0, -128, 127},
}

// TestAddQ8 checks every pair of int8 inputs against the specification,
// bit for bit, and against exact arithmetic within half a step.
func TestAddQ8(t *testing.T) {
	for _, c := range addQ8Cases {
		t.Run(c.name, func(t *testing.T) {
			k := generic.NewAddQ8(c.sa, c.za, c.sb, c.zb, c.so, c.zo, c.lo, c.hi)
			a, b := make([]int8, 256*256), make([]int8, 256*256)
			for i := range a {
				a[i], b[i] = int8(i>>8-128), int8(i&255-128)
			}
			g := kerneltest.NewGuarded[int8](len(a), 1)
			k.Run(g.Out(), a, b)
			g.CheckUntouched(t, 0, len(a), "AddQ8")
			for i, got := range g.Out() {
				x := float32(float32(int32(a[i])-c.za) * c.sa)
				y := float32(float32(int32(b[i])-c.zb) * c.sb)
				want := int8(min(max(int32(math.Round(float64((x+y)/c.so)))+c.zo, c.lo), c.hi))
				if got != want {
					t.Fatalf("a=%d b=%d: %d, want %d", a[i], b[i], got, want)
				}
				exact := (float64(c.sa)*float64(int32(a[i])-c.za) + float64(c.sb)*float64(int32(b[i])-c.zb)) / float64(c.so)
				if q := float64(int32(got) - c.zo); q > float64(c.lo-c.zo) && q < float64(c.hi-c.zo) && math.Abs(q-exact) > 0.5+1e-4 {
					t.Fatalf("a=%d b=%d: %d is %g steps from the exact sum", a[i], b[i], got, q-exact)
				}
			}
		})
	}
}

func TestAddAllocatesNothing(t *testing.T) {
	r := kerneltest.Rand(52)
	a, b, dst := kerneltest.F32s(r, 1000), kerneltest.F32s(r, 1000), make([]float32, 1000)
	a8, b8, dst8 := kerneltest.I8s(r, 1000, -128, 127), kerneltest.I8s(r, 1000, -128, 127), make([]int8, 1000)
	k := generic.NewAddQ8(0.1, 1, 0.2, -3, 0.25, 4, -128, 127)
	if n := testing.AllocsPerRun(3, func() { generic.AddF32(dst, a, b, 0, 6); k.Run(dst8, a8, b8) }); n != 0 {
		t.Errorf("AddF32 + AddQ8.Run: %v allocations per call, want 0", n)
	}
}
