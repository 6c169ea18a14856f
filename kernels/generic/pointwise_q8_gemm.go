package generic

// pointwiseQ8 is the GEMM behind PointwiseQ8.
func pointwiseQ8(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *Requant) {
	for i := 0; i < m; i++ {
		x := src[i*k : i*k+k]
		var rowsum int32
		for _, v := range x {
			rowsum += int32(v)
		}
		for j := 0; j < n; j++ {
			var acc int32
			if bias != nil {
				acc = bias[j]
			}
			p, jj := j/pointwiseQ8NR, j%pointwiseQ8NR
			w := packed[p*k*pointwiseQ8NR:]
			for kk, v := range x {
				acc += int32(v) * int32(w[kk*pointwiseQ8NR+jj])
			}
			acc -= wzp * rowsum
			dst[i*n+j] = Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
}
