//go:build gc && !purego

package arm64

import "fmt"

// PointwiseF32TileM is the row count of the fp32 micro-kernel's register tile
// (8 pixels x 8 output channels); the runtime splits m in multiples of it.
const PointwiseF32TileM = 8

// pointwiseF32NR is the column count of the tile: packed panels hold 8 output
// channels.
const pointwiseF32NR = 8

// pointwiseF32BlockBytes bounds the activation block one pass over all weight
// panels streams: m is cut into blocks of about this many bytes of input rows
// so they stay in L2 (1 MiB shared on a Pi 4) while the panels sweep over them.
const pointwiseF32BlockBytes = 96 << 10

//go:noescape
func pwF32Panel8(a *float32, lda, m, k int, b, c *float32, ldc int, bias *float32, lo, hi float32)

//go:noescape
func pwF32Panel8A53(a *float32, lda, m, k int, b, c *float32, ldc int, bias *float32, lo, hi float32)

// f32Panel calls pwF32Panel8, or pwF32Panel8A53 (scheduled for in-order
// cores) when a53 is set. Direct calls keep the callers' scratch tiles on
// the stack.
func f32Panel(a53 bool, a *float32, lda, m, k int, b, c *float32, ldc int, bias *float32, lo, hi float32) {
	if a53 {
		pwF32Panel8A53(a, lda, m, k, b, c, ldc, bias, lo, hi)
	} else {
		pwF32Panel8(a, lda, m, k, b, c, ldc, bias, lo, hi)
	}
}

// PackPointwiseF32 packs w, [n][k] row-major, into panels of 8 output
// channels, k-major, zero-padded to a multiple of 8 channels:
//
//	packed[p*k*8 + kk*8 + j] = w[(p*8+j)*k + kk]   (0 when p*8+j >= n)
func PackPointwiseF32(w []float32, n, k int) []float32 {
	panels := (n + pointwiseF32NR - 1) / pointwiseF32NR
	packed := make([]float32, panels*k*pointwiseF32NR)
	for j := 0; j < n; j++ {
		p, jj := j/pointwiseF32NR, j%pointwiseF32NR
		base := p * k * pointwiseF32NR
		for kk, v := range w[j*k : j*k+k] {
			packed[base+kk*pointwiseF32NR+jj] = v
		}
	}
	return packed
}

// PointwiseF32 is generic.PointwiseF32 with the NEON 8x8 micro-kernel:
//
//	dst[i*n+j] = min(max(bias[j] + sum_kk src[i*k+kk]*w[j*k+kk], lo), hi)
//
// for i < m, j < n, with w packed by PackPointwiseF32. Full 8-channel panels
// are written in place by the assembly; a last partial panel (n%8 channels)
// goes through an 8x8 scratch tile. Summation order differs from generic only
// by float32 rounding (k is summed in one chain starting from the bias).
func PointwiseF32(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	pointwiseF32(false, dst, src, m, k, n, packed, bias, lo, hi)
}

// PointwiseF32A53 is PointwiseF32 with its panels scheduled for in-order
// cores (pwF32Panel8A53): the same FMLA in each accumulator's order, so the
// same results.
func PointwiseF32A53(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	pointwiseF32(true, dst, src, m, k, n, packed, bias, lo, hi)
}

func pointwiseF32(a53 bool, dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	if m <= 0 || n <= 0 {
		return
	}
	panels := (n + pointwiseF32NR - 1) / pointwiseF32NR
	if k < 0 || len(src) < m*k || len(dst) < m*n || len(packed) < panels*k*pointwiseF32NR || (bias != nil && len(bias) < n) {
		panic(fmt.Sprintf("arm64.PointwiseF32: short buffers for m=%d k=%d n=%d (src %d, dst %d, packed %d, bias %d)",
			m, k, n, len(src), len(dst), len(packed), len(bias)))
	}
	if k == 0 {
		pointwiseF32BiasOnly(dst, m, n, bias, lo, hi)
		return
	}
	block := max(PointwiseF32TileM, pointwiseF32BlockBytes/(4*k)/PointwiseF32TileM*PointwiseF32TileM)
	full := n / pointwiseF32NR
	var zeroBias [pointwiseF32NR]float32
	for i0 := 0; i0 < m; i0 += block {
		rows := min(block, m-i0)
		for p := 0; p < full; p++ {
			b := &zeroBias[0]
			if bias != nil {
				b = &bias[p*pointwiseF32NR]
			}
			// Two calls rather than f32Panel: no wrapper call per panel.
			if a53 {
				pwF32Panel8A53(&src[i0*k], k, rows, k, &packed[p*k*pointwiseF32NR], &dst[i0*n+p*pointwiseF32NR], n, b, lo, hi)
			} else {
				pwF32Panel8(&src[i0*k], k, rows, k, &packed[p*k*pointwiseF32NR], &dst[i0*n+p*pointwiseF32NR], n, b, lo, hi)
			}
		}
		if full < panels {
			pointwiseF32TailPanel(a53, dst, src, i0, rows, k, n, packed[full*k*pointwiseF32NR:], bias, lo, hi)
		}
	}
}

// pointwiseF32BiasOnly is the k == 0 case: every output is its clamped bias.
func pointwiseF32BiasOnly(dst []float32, m, n int, bias []float32, lo, hi float32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var v float32
			if bias != nil {
				v = bias[j]
			}
			dst[i*n+j] = min(max(v, lo), hi)
		}
	}
}

// pointwiseF32TailPanel computes the last n%8 output channels of rows
// [i0, i0+rows) through a scratch tile.
func pointwiseF32TailPanel(a53 bool, dst, src []float32, i0, rows, k, n int, panel, bias []float32, lo, hi float32) {
	j0 := n / pointwiseF32NR * pointwiseF32NR
	var b [pointwiseF32NR]float32
	if bias != nil {
		copy(b[:], bias[j0:n])
	}
	var tile [PointwiseF32TileM * pointwiseF32NR]float32
	for i := i0; i < i0+rows; i += PointwiseF32TileM {
		r := min(PointwiseF32TileM, i0+rows-i)
		f32Panel(a53, &src[i*k], k, r, k, &panel[0], &tile[0], pointwiseF32NR, &b[0], lo, hi)
		for ii := 0; ii < r; ii++ {
			copy(dst[(i+ii)*n+j0:(i+ii)*n+n], tile[ii*pointwiseF32NR:])
		}
	}
}
