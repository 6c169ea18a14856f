package generic

// pointwiseQ8NR is the number of output channels in one packed int8 weight
// panel, the column count of the int8 register tile: the three weights of a
// panel row are multiplied together, as one int64 with a 21-bit lane each.
const pointwiseQ8NR = 3

// pointwiseQ8MR is the row count of the int8 register tile.
const pointwiseQ8MR = 6

// PackPointwiseQ8 packs int8 pointwise weights w, [n][k] row-major, into
// panels of pointwiseQ8NR output channels, k-major:
//
//	packed[p*k*NR + kk*NR + j] = w[(p*NR+j)*k + kk]   (0 when p*NR+j >= n)
//
// for panel p < ceil(n/NR). The result is what PointwiseQ8 streams.
func PackPointwiseQ8(w []int8, n, k int) []int8 {
	panels := (n + pointwiseQ8NR - 1) / pointwiseQ8NR
	packed := make([]int8, panels*k*pointwiseQ8NR)
	for j := 0; j < n; j++ {
		p, jj := j/pointwiseQ8NR, j%pointwiseQ8NR
		row := w[j*k : j*k+k]
		base := p * k * pointwiseQ8NR
		for kk, v := range row {
			packed[base+kk*pointwiseQ8NR+jj] = v
		}
	}
	return packed
}

// PointwiseQ8 is the int8 GEMM of a 1x1 convolution over m pixels, exact in
// int32 (wrapping) arithmetic:
//
//	for i := 0; i < m; i++ {
//		rowsum := int32(0)
//		for kk := 0; kk < k; kk++ {
//			rowsum += int32(src[i*k+kk])
//		}
//		for j := 0; j < n; j++ {
//			acc := bias[j] // 0 when bias is nil
//			for kk := 0; kk < k; kk++ {
//				acc += int32(src[i*k+kk]) * int32(w[j*k+kk])
//			}
//			acc -= wzp * rowsum
//			dst[i*n+j] = Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
//		}
//	}
//
// with w packed by PackPointwiseQ8. bias already holds the input zero point
// folded in (bias[j] - xzp*sum_k w[j][k] + k*xzp*wzp); wzp is the per-tensor
// weight zero point in the int8 domain (0 for per-channel weights).
func PointwiseQ8(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *Requant) {
	pointwiseQ8(dst, src, m, k, n, packed, bias, wzp, rq)
}

// RowSumsQ8 returns the sums of the n rows of an int8 matrix w, [n][k]:
//
//	sums[j] = sum_kk int32(w[j*k+kk])
//
// the weight sums the runtime folds into pointwise biases.
func RowSumsQ8(w []int8, n, k int) []int32 {
	sums := make([]int32, n)
	for j := range sums {
		var s int32
		for _, v := range w[j*k : j*k+k] {
			s += int32(v)
		}
		sums[j] = s
	}
	return sums
}

// FoldPointwiseBiasQ8 returns the pointwise bias with the input zero point
// folded in, as PointwiseQ8 expects:
//
//	out[j] = bias[j] - xzp*sum_kk w[j*k+kk] + k*xzp*wzp
//
// bias may be nil (zeros); w is [n][k]; xzp and wzp are in the int8 domain.
func FoldPointwiseBiasQ8(bias []int32, w []int8, n, k int, xzp, wzp int32) []int32 {
	out := RowSumsQ8(w, n, k)
	for j, s := range out {
		var b int32
		if bias != nil {
			b = bias[j]
		}
		out[j] = b - xzp*s + int32(k)*xzp*wzp
	}
	return out
}
