package generic_test

import (
	"fmt"
	"math"
	"slices"
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

// TestAddQ8 checks every pair of int8 inputs against XNNPACK's fixed-point
// sum, written out independently in int64 (or, outside XNNPACK's scale
// range, against exact arithmetic within a step), and against exact
// arithmetic within half a step plus the multipliers' error.
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
			ra, rb := c.sa/c.so, c.sb/c.so
			xnn := min(ra, rb) >= 1.0/1024 && max(ra, rb) < 256
			shift := 20 - int(math.Floor(math.Log2(float64(max(ra, rb)))))
			am := int64(math.RoundToEven(float64(ra) * math.Exp2(float64(shift))))
			bm := int64(math.RoundToEven(float64(rb) * math.Exp2(float64(shift))))
			for i, got := range g.Out() {
				exact := (float64(c.sa)*float64(int32(a[i])-c.za) + float64(c.sb)*float64(int32(b[i])-c.zb)) / float64(c.so)
				if xnn {
					acc := int64(1)<<(shift-1) + am*int64(int32(a[i])-c.za) + bm*int64(int32(b[i])-c.zb)
					want := int8(min(max(int32(acc>>shift)+c.zo, c.lo), c.hi))
					if got != want {
						t.Fatalf("a=%d b=%d: %d, want %d", a[i], b[i], got, want)
					}
				}
				if q := float64(int32(got) - c.zo); q > float64(c.lo-c.zo) && q < float64(c.hi-c.zo) && math.Abs(q-exact) > 0.5+1e-3*math.Abs(exact)+1e-4 {
					t.Fatalf("a=%d b=%d: %d is %g steps from the exact sum", a[i], b[i], got, q-exact)
				}
			}
		})
	}
	// Ties go up, as XNNPACK's shift rounds: 0.5*1 = 0.5 -> 1, 0.5*-1 =
	// -0.5 -> 0, 0.5*3 = 1.5 -> 2, 0.5*-3 = -1.5 -> -1.
	k := generic.NewAddQ8(0.5, 0, 0.25, 0, 1, 0, -128, 127)
	dst := make([]int8, 4)
	k.Run(dst, []int8{1, -1, 3, -3}, []int8{0, 0, 0, 0})
	if want := []int8{1, 0, 2, -1}; !slices.Equal(dst, want) {
		t.Errorf("ties: %v, want %v", dst, want)
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
