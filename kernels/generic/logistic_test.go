package generic_test

import (
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestLogistic checks the sigmoid against float64 within a float32 step,
// its exact values at 0 and the ends, and NaN.
func TestLogistic(t *testing.T) {
	for _, c := range []struct{ x, want float32 }{{0, 0.5}, {-200, 0}, {200, 1}, {float32(math.Inf(-1)), 0}, {float32(math.Inf(1)), 1}} {
		if got := generic.Logistic(c.x); got != c.want {
			t.Errorf("Logistic(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := generic.Logistic(float32(math.NaN())); got == got {
		t.Errorf("Logistic(NaN) = %v, want NaN", got)
	}
	r := kerneltest.Rand(73)
	src := kerneltest.F32s(r, 4096)
	for i := range src {
		src[i] *= 12
	}
	got := make([]float32, len(src))
	generic.LogisticF32(got, src)
	for i, x := range src {
		want := 1 / (1 + math.Exp(-float64(x)))
		// Three roundings (exp, sum, quotient), each within half a float32
		// step of a value at most 1.
		if d := math.Abs(float64(got[i]) - want); d > 2*0x1p-24 {
			t.Fatalf("LogisticF32(%v) = %v, want %v (|diff| %g)", x, got[i], want, d)
		}
	}
}

// TestLogisticQ8 applies the table of the SSD detector's LOGISTIC (uint8
// concat_1, scale 0.0497 zero point 223, to convert_scores, scale 1/256
// zero point 0; both in the int8 domain) to every value and compares with
// the definition, and checks hand-worked entries.
func TestLogisticQ8(t *testing.T) {
	inScale, inZP := float32(0.04973676800727844), int32(223-128)
	outScale, outZP := float32(1.0/256), int32(0-128)
	table := generic.LogisticTableQ8(inScale, inZP, outScale, outZP)
	src := make([]int8, 256)
	for i := range src {
		src[i] = int8(i - 128)
	}
	g := kerneltest.NewGuarded[int8](len(src), 1)
	generic.LogisticQ8(g.Out(), src, table)
	g.CheckUntouched(t, 0, len(src), "LogisticQ8")
	want := make([]int8, len(src))
	for i, q := range src {
		x := float32(int32(q)-inZP) * inScale
		y := float32(1 / (1 + float32(math.Exp(-float64(x)))))
		want[i] = generic.QuantizeValue(y, outScale, outZP)
	}
	kerneltest.CompareI8(t, g.Out(), want, "LogisticQ8")
	// The zero point (x = 0) is p = 0.5, byte 128 (int8 0); the lowest
	// byte, x = -223*0.0497 = -11.09, is p = 1.5e-5, byte 0; the highest,
	// x = 32*0.0497 = 1.59, is p = 0.8307, byte round(212.66) = 213.
	for _, c := range []struct {
		b    int // the uint8 input byte
		want int // the uint8 output byte
	}{{223, 128}, {0, 0}, {255, 213}} {
		if got := int(table[uint8(int8(c.b-128))]) + 128; got != c.want {
			t.Errorf("byte %d: sigmoid byte %d, want %d", c.b, got, c.want)
		}
	}
}

func TestLogisticAllocatesNothing(t *testing.T) {
	src, dst := make([]float32, 1000), make([]float32, 1000)
	src8, dst8 := make([]int8, 1000), make([]int8, 1000)
	table := generic.LogisticTableQ8(0.05, 95, 1.0/256, -128)
	for name, run := range map[string]func(){
		"LogisticF32": func() { generic.LogisticF32(dst, src) },
		"LogisticQ8":  func() { generic.LogisticQ8(dst8, src8, table) },
	} {
		if a := testing.AllocsPerRun(3, run); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, a)
		}
	}
}
