//go:build gc && !purego

package amd64

import "fmt"

// Row tiles of the float32 pointwise kernels. The runtime splits m in
// multiples of the TileM of the kernel it picked; any m is still correct.
const (
	PointwiseF32AVX2TileM   = 6 // 6 rows x 16 channels: 12 of the 16 YMM registers accumulate
	PointwiseF32AVX512TileM = 8 // 8 rows x 32 channels: 16 of the 32 ZMM registers accumulate
	pwF32Avx2NR             = 16
	pwF32Avx512NR           = 32
)

// pwF32BlockBytes bounds the packed weights of one column block: every row
// tile sweeps the block's panels, so they should stay in L2 (1 MiB per core on
// Zen 4, 1-2 MiB on Intel server cores) beside the rows and outputs.
const pwF32BlockBytes = 384 << 10

// PackPointwiseF32AVX2 packs w, [n][k] row-major, into panels of 16 output
// channels, k-major, zero-padded to a multiple of 16 channels:
//
//	packed[p*k*16 + kk*16 + j] = w[(p*16+j)*k + kk]   (0 when p*16+j >= n)
func PackPointwiseF32AVX2(w []float32, n, k int) []float32 { return packF32(w, n, k, pwF32Avx2NR) }

// PackPointwiseF32AVX512 packs w like PackPointwiseF32AVX2 in panels of 32
// output channels.
func PackPointwiseF32AVX512(w []float32, n, k int) []float32 {
	return packF32(w, n, k, pwF32Avx512NR)
}

func packF32(w []float32, n, k, nr int) []float32 {
	panels := (n + nr - 1) / nr
	packed := make([]float32, panels*k*nr)
	for j := 0; j < n; j++ {
		p, jj := j/nr, j%nr
		base := p * k * nr
		for kk, v := range w[j*k : j*k+k] {
			packed[base+kk*nr+jj] = v
		}
	}
	return packed
}

// PointwiseF32AVX2 is generic.PointwiseF32 with the AVX2+FMA 6x16 tile:
//
//	dst[i*n+j] = min(max(bias[j] + sum_kk src[i*k+kk]*w[j*k+kk], lo), hi)
//
// for i < m, j < n, with w packed by PackPointwiseF32AVX2. The k products are
// summed in order from zero with fused multiply-adds and the bias added last,
// so results differ from generic only by float32 rounding.
func PointwiseF32AVX2(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	pointwiseF32(false, dst, src, m, k, n, packed, bias, lo, hi)
}

// PointwiseF32AVX512 is PointwiseF32AVX2 with the AVX-512 8x32 tile, w
// packed by PackPointwiseF32AVX512.
func PointwiseF32AVX512(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	pointwiseF32(true, dst, src, m, k, n, packed, bias, lo, hi)
}

// pwF32Tile calls the AVX2 or the AVX-512 kernel. A branch rather than a
// func value: escape analysis sees through direct calls only, and the
// scratch arrays must stay on the stack (Run allocates nothing).
func pwF32Tile(avx512 bool, a *float32, lda, k, mr int, b *float32, npanels int, c *float32, ldc int, bias *float32, biasStep int, lo, hi float32) {
	if avx512 {
		pwF32Avx512(a, lda, k, mr, b, npanels, c, ldc, bias, biasStep, lo, hi)
	} else {
		pwF32Avx2(a, lda, k, mr, b, npanels, c, ldc, bias, biasStep, lo, hi)
	}
}

// pointwiseF32 drives the tile kernel: column blocks of full panels sized
// for L2, each swept by every row tile (a short last tile repeats its last
// row inside the assembly), then a last partial panel through a scratch tile.
func pointwiseF32(avx512 bool, dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	if m <= 0 || n <= 0 {
		return
	}
	mr, nr, name := PointwiseF32AVX2TileM, pwF32Avx2NR, "PointwiseF32AVX2"
	if avx512 {
		mr, nr, name = PointwiseF32AVX512TileM, pwF32Avx512NR, "PointwiseF32AVX512"
	}
	panels := (n + nr - 1) / nr
	if k < 0 || len(src) < m*k || len(dst) < m*n || len(packed) < panels*k*nr || (bias != nil && len(bias) < n) {
		panic(fmt.Sprintf("amd64.%s: short buffers for m=%d k=%d n=%d (src %d, dst %d, packed %d, bias %d)",
			name, m, k, n, len(src), len(dst), len(packed), len(bias)))
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var v float32
				if bias != nil {
					v = bias[j]
				}
				dst[i*n+j] = min(max(v, lo), hi)
			}
		}
		return
	}
	full := n / nr
	block := max(1, pwF32BlockBytes/(4*k*nr))
	var zero [pwF32Avx512NR]float32
	for p0 := 0; p0 < full; p0 += block {
		np := min(block, full-p0)
		b, step := &zero[0], 0
		if bias != nil {
			b, step = &bias[p0*nr], 4*nr
		}
		for i := 0; i < m; i += mr {
			pwF32Tile(avx512, &src[i*k], k, k, min(mr, m-i), &packed[p0*k*nr], np, &dst[i*n+p0*nr], n, b, step, lo, hi)
		}
	}
	if full == panels {
		return
	}
	// The last n%nr channels: a scratch tile of nr columns, bias zero-padded.
	j0 := full * nr
	var tb [pwF32Avx512NR]float32
	if bias != nil {
		copy(tb[:], bias[j0:n])
	}
	var tile [PointwiseF32AVX512TileM * pwF32Avx512NR]float32
	for i := 0; i < m; i += mr {
		r := min(mr, m-i)
		pwF32Tile(avx512, &src[i*k], k, k, r, &packed[full*k*nr], 1, &tile[0], nr, &tb[0], 0, lo, hi)
		for ii := 0; ii < r; ii++ {
			copy(dst[(i+ii)*n+j0:(i+ii)*n+n], tile[ii*nr:])
		}
	}
}
