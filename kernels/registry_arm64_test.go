//go:build gc && !purego

package kernels

import (
	"testing"

	"github.com/edgecam/edgecam/kernels/arm64"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestInOrderSelection injects the in-order core (a Raspberry Pi 3's
// /proc/cpuinfo) into the arm64 registry and checks that Select then runs
// the kernels scheduled for it at the NEON level, and that the registry of
// any other core keeps them unavailable. The chosen kernels must give
// generic's results (fp32 within the pointwise tolerance): under qemu-user
// the machine's own registry never offers them, so the equivalence tests
// do not reach them.
func TestInOrderSelection(t *testing.T) {
	pi3 := ""
	for range 4 {
		pi3 += "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n\n"
	}
	for _, c := range []struct {
		name, cpuinfo string
		f32, q8       string
	}{
		{"Pi 3", pi3, "pwconv_f32_neon_a53", "pwconv_q8_neon_a53"},
		{"Pi 4", "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n", "pwconv_f32_neon", "pwconv_q8_neon"},
	} {
		r := newRegistry()
		r.PointwiseF32, r.PointwiseQ8 = r.PointwiseF32[:1], r.PointwiseQ8[:1] // the generic ones
		addNEONKernels(r, arm64.OnlyA53(c.cpuinfo))
		rq := kerneltest.RandRequant(kerneltest.Rand(1), 64, 0)
		f32, err := Select(r.PointwiseF32, NEON, &PointwiseLayer{K: 64, N: 64})
		if err != nil {
			t.Fatal(err)
		}
		q8, err := Select(r.PointwiseQ8, NEON, &PointwiseLayer{K: 64, N: 64, Requant: rq})
		if err != nil {
			t.Fatal(err)
		}
		if f32.Name != c.f32 || q8.Name != c.q8 {
			t.Errorf("%s: NEON pointwise kernels %s, %s; want %s, %s", c.name, f32.Name, q8.Name, c.f32, c.q8)
			continue
		}
		// The chosen kernels against generic on a MobileNet-like shape.
		const m, k, n = 37, 64, 64
		rnd := kerneltest.Rand(3)
		src, w, bias := kerneltest.I8s(rnd, m*k, -128, 127), kerneltest.I8s(rnd, n*k, -127, 127), kerneltest.I32s(rnd, n, -9000, 9000)
		want, got := make([]int8, m*n), make([]int8, m*n)
		generic.PointwiseQ8(want, src, m, k, n, generic.PackPointwiseQ8(w, n, k), bias, 5, rq)
		q8.Run(got, src, m, k, n, q8.Pack(w, n, k), bias, 5, rq)
		kerneltest.CompareI8(t, got, want, c.name+" "+q8.Name)
		fs, fw, fb := kerneltest.F32s(rnd, m*k), kerneltest.F32s(rnd, n*k), kerneltest.F32s(rnd, n)
		fwant, fgot := make([]float32, m*n), make([]float32, m*n)
		generic.PointwiseF32(fwant, fs, m, k, n, generic.PackPointwiseF32(fw, n, k), fb, -1e9, 1e9)
		f32.Run(fgot, fs, m, k, n, f32.Pack(fw, n, k), fb, -1e9, 1e9)
		absSum := make([]float32, m*n)
		for i := range m {
			for j := range n {
				s := abs32(fb[j])
				for kk := range k {
					s += abs32(fs[i*k+kk] * fw[j*k+kk])
				}
				absSum[i*n+j] = s
			}
		}
		kerneltest.CompareF32(t, fgot, fwant, absSum, k+1, c.name+" "+f32.Name)
	}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
