//go:build gc && !purego

package arm64

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The kernels scheduled for in-order cores are selected on Cortex-A53 cores
// only, so the equivalence tests of package kernels do not reach them under
// qemu. These tests run each of them beside its out-of-order twin, which the
// equivalence tests compare with generic, on every case of those tests: the
// outputs must be identical (the same operations, in each sum's order).

func TestDWConvA53Twins(t *testing.T) {
	r := kerneltest.Rand(21)
	ran := 0
	for i, c := range kerneltest.ConvCases(true) {
		p := &c.P
		if !SupportsDWConvF32(p) {
			continue
		}
		n := p.OutH * p.OutW * p.OutC
		src, w, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, 9*p.OutC), kerneltest.F32s(r, p.OutC)
		want, got := make([]float32, n), make([]float32, n)
		DWConvF32(p, want, src, w, bias, c.Y0, c.Y1, -2, 2)
		DWConvF32A53(p, got, src, w, bias, c.Y0, c.Y1, -2, 2)
		sameF32(t, got, want, fmt.Sprintf("DWConvF32A53 %v", c))
		if !SupportsDWConvQ8(p, -3) {
			continue
		}
		qsrc, qw := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I8s(r, 9*p.OutC, -127, 127)
		wzp := make([]int32, p.OutC)
		if i%2 == 1 { // legacy uint8: the int16 kernels
			fill(wzp, 90)
		}
		qbias := kerneltest.I32s(r, p.OutC, -9000, 9000)
		rq := kerneltest.FitRequant(kerneltest.RandRequant(r, p.OutC, i), 9, 128, 200)
		pk := PackDWConvQ8(p, qw, wzp)
		qwant, qgot := make([]int8, n), make([]int8, n)
		DWConvQ8(p, qwant, qsrc, -3, pk, qbias, rq, c.Y0, c.Y1)
		DWConvQ8A53(p, qgot, qsrc, -3, pk, qbias, rq, c.Y0, c.Y1)
		kerneltest.CompareI8(t, qgot, qwant, fmt.Sprintf("DWConvQ8A53 %v narrow=%v", c, pk.narrow))
		ran++
	}
	t.Logf("%d depthwise cases identical", ran)
}

func TestConvA53Twins(t *testing.T) {
	r := kerneltest.Rand(22)
	ran := 0
	for i, c := range kerneltest.ConvCases(false) {
		p := &c.P
		if !SupportsConvF32(p) {
			continue
		}
		n := p.OutH * p.OutW * p.OutC
		src, w, bias := kerneltest.F32s(r, p.InH*p.InW*3), kerneltest.F32s(r, 27*p.OutC), kerneltest.F32s(r, p.OutC)
		pk := PackConvF32(p, w, bias)
		want, got := make([]float32, n), make([]float32, n)
		ConvF32(p, want, src, pk, c.Y0, c.Y1, -2, 2)
		ConvF32A53(p, got, src, pk, c.Y0, c.Y1, -2, 2)
		sameF32(t, got, want, fmt.Sprintf("ConvF32A53 %v", c))
		qsrc, qw := kerneltest.I8s(r, p.InH*p.InW*3, -128, 127), kerneltest.I8s(r, 27*p.OutC, -128, 127)
		wzp := make([]int32, p.OutC)
		fill(wzp, int32(i%3*60-60))
		rq := kerneltest.FitRequant(kerneltest.RandRequant(r, p.OutC, i), 27, 128, 200)
		qpk := PackConvQ8(p, qw, wzp, kerneltest.I32s(r, p.OutC, -9000, 9000))
		qwant, qgot := make([]int8, n), make([]int8, n)
		ConvQ8(p, qwant, qsrc, 5, qpk, rq, c.Y0, c.Y1)
		ConvQ8A53(p, qgot, qsrc, 5, qpk, rq, c.Y0, c.Y1)
		kerneltest.CompareI8(t, qgot, qwant, fmt.Sprintf("ConvQ8A53 %v", c))
		ran++
	}
	t.Logf("%d first-layer cases identical", ran)
}

// sameF32 fails unless got and want hold the same float32 bits.
func sameF32(t *testing.T, got, want []float32, what string) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: output %d = %v, want %v (the out-of-order twin's)", what, i, got[i], want[i])
		}
	}
}
