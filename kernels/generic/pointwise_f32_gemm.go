package generic

// pointwiseF32 is the GEMM behind PointwiseF32.
func pointwiseF32(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	for i := 0; i < m; i++ {
		x := src[i*k : i*k+k]
		for j := 0; j < n; j++ {
			var acc float32
			if bias != nil {
				acc = bias[j]
			}
			p, jj := j/pointwiseNR, j%pointwiseNR
			w := packed[p*k*pointwiseNR:]
			for kk, v := range x {
				acc += v * w[kk*pointwiseNR+jj]
			}
			dst[i*n+j] = clampF32(acc, lo, hi)
		}
	}
}

// clampF32 returns v limited to [lo, hi].
func clampF32(v, lo, hi float32) float32 {
	if v < lo {
		v = lo
	}
	if v > hi {
		v = hi
	}
	return v
}
