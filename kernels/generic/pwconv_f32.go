package generic

// PointwiseTileM is the row granularity of the generic GEMMs: a multiple of
// the rows of both register tiles (3 for float32, 6 for int8). The runtime
// splits m across workers in multiples of it; any m is still correct.
const PointwiseTileM = 6

// pointwiseMR is the row count of the float32 register tile, 3 rows by
// pointwiseNR = 2 output channels. Go keeps every product of a loop iteration
// live until the accumulating adds at its end (the SSA scheduler places values
// with no in-block use last), so a tile needs 2*MR*NR float registers plus NR
// for the weights. 3x2 is the largest that fits amd64's 15 allocatable XMM
// registers without spilling an accumulator; a spill puts a store-to-load
// forward on the loop-carried chain and halves the speed.
const pointwiseMR = 3

// pointwiseNR is the number of output channels in one packed weight panel, the
// column count of the float32 register tile.
const pointwiseNR = 2

// PackPointwiseF32 packs pointwise weights w, [n][k] row-major (TFLite OHWI
// with H=W=1), into panels of pointwiseNR output channels, k-major:
//
//	packed[p*k*NR + kk*NR + j] = w[(p*NR+j)*k + kk]   (0 when p*NR+j >= n)
//
// for panel p < ceil(n/NR). The result is what PointwiseF32 streams.
func PackPointwiseF32(w []float32, n, k int) []float32 {
	panels := (n + pointwiseNR - 1) / pointwiseNR
	packed := make([]float32, panels*k*pointwiseNR)
	for j := 0; j < n; j++ {
		p, jj := j/pointwiseNR, j%pointwiseNR
		row := w[j*k : j*k+k]
		base := p * k * pointwiseNR
		for kk, v := range row {
			packed[base+kk*pointwiseNR+jj] = v
		}
	}
	return packed
}

// PointwiseF32 is a 1x1 convolution as a GEMM over m pixels:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			acc := bias[j] // 0 when bias is nil
//			for kk := 0; kk < k; kk++ {
//				acc += src[i*k+kk] * w[j*k+kk]
//			}
//			dst[i*n+j] = min(max(acc, lo), hi)
//		}
//	}
//
// with w packed by PackPointwiseF32. The kernel sums the k products in order
// starting from zero and adds the bias last, so it differs from the loop above
// only by float32 rounding.
func PointwiseF32(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	pointwiseF32(dst, src, m, k, n, packed, bias, lo, hi)
}
