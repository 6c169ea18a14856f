//go:build gc && !purego

package amd64

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Pointwise layer shapes of MobileNet-V1 1.0/224 (m = output pixels, k =
// input channels, n = output channels), one of each distinct shape, and the
// classifier.
var benchPW = [][3]int{
	{12544, 32, 64}, {3136, 64, 128}, {3136, 128, 128}, {784, 128, 256}, {784, 256, 256},
	{196, 256, 512}, {196, 512, 512}, {49, 512, 1024}, {49, 1024, 1024}, {1, 1024, 1001},
}

// gmacs reports multiply-accumulates per second.
func gmacs(b *testing.B, macs int) {
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

func BenchmarkPointwiseF32(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	impls := append([]f32PWImpl{{"generic", true, generic.PointwiseTileM, generic.PackPointwiseF32, generic.PointwiseF32}}, f32PWImpls()...)
	for _, sh := range benchPW {
		m, k, n := sh[0], sh[1], sh[2]
		src, w, bias := randF32(r, m*k), randF32(r, n*k), randF32(r, n)
		dst := make([]float32, m*n)
		for _, impl := range impls {
			if !impl.avail {
				continue
			}
			packed := impl.pack(w, n, k)
			b.Run(fmt.Sprintf("%s/m%d_k%d_n%d", impl.name, m, k, n), func(b *testing.B) {
				impl.run(dst, src, m, k, n, packed, bias, 0, 6) // fault dst in before the timer starts
				for b.Loop() {
					impl.run(dst, src, m, k, n, packed, bias, 0, 6)
				}
				gmacs(b, m*k*n)
			})
		}
	}
}

func BenchmarkPointwiseQ8(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	impls := append([]q8PWImpl{{"generic", true, generic.PointwiseTileM, generic.PackPointwiseQ8, generic.PointwiseQ8}}, q8PWImpls()...)
	for _, sh := range benchPW {
		m, k, n := sh[0], sh[1], sh[2]
		src, w := randQ8(r, m*k), randQ8(r, n*k)
		bias := make([]int32, n)
		dst := make([]int8, m*n)
		rq := randRequant(r, n, 0)
		for _, impl := range impls {
			if !impl.avail {
				continue
			}
			packed := impl.pack(w, n, k)
			b.Run(fmt.Sprintf("%s/m%d_k%d_n%d", impl.name, m, k, n), func(b *testing.B) {
				impl.run(dst, src, m, k, n, packed, bias, 0, rq)
				for b.Loop() {
					impl.run(dst, src, m, k, n, packed, bias, 0, rq)
				}
				gmacs(b, m*k*n)
			})
		}
	}
}
