package generic

// pointwiseQ8MaxK is the longest stretch of k one SWAR accumulator takes:
// each 32-bit lane sums products of at most 128*128 = 2^14, so 2^16 of them
// stay below 2^31 and the lanes never borrow from each other.
const pointwiseQ8MaxK = 1 << 16

// pointwiseQ8 is the GEMM behind PointwiseQ8: column blocks of panels sized
// for L2, inside them row tiles of pointwiseQ8MR rows that sweep the block's
// panels with the 6x2 SWAR micro-kernel.
//
// SWAR: a panel row's two weights w0, w1 form the int64 w0 + w1<<32; one
// 64-bit multiply by x gives x*w0 + (x*w1)<<32, and the sum over k holds both
// dot products, one per 32-bit lane (see splitLanes). That halves the
// multiplies, the bottleneck of a scalar int8 GEMM.
func pointwiseQ8(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *Requant) {
	if m <= 0 || n <= 0 {
		return
	}
	const mr, nr = pointwiseQ8MR, pointwiseQ8NR
	src = src[:m*k]
	dst = dst[:m*n]
	panels := (n + nr - 1) / nr
	packed = packed[:panels*k*nr]
	scale := rq.Scale[:n]
	zp, lo, hi := rq.ZeroPoint, rq.Min, rq.Max
	block := max(pointwiseBlockBytes/(nr*max(k, 1)), 1) // panels per column block
	var rowsum [mr]int32
	for p0 := 0; p0 < panels; p0 += block {
		p1 := min(p0+block, panels)
		i := 0
		for ; i+mr <= m; i += mr {
			var a [mr][]int8
			for r := range a {
				a[r] = src[(i+r)*k : (i+r)*k+k]
				rowsum[r] = wzp * sumI8(a[r])
			}
			for p := p0; p < p1; p++ {
				w := packed[p*k*nr : (p+1)*k*nr]
				var acc [mr][nr]int32
				for k0 := 0; k0 < k; k0 += pointwiseQ8MaxK {
					k1 := min(k0+pointwiseQ8MaxK, k)
					s0, s1, s2, s3, s4, s5 := dotQ8x6x2(a[0][k0:k1], a[1][k0:k1], a[2][k0:k1], a[3][k0:k1], a[4][k0:k1], a[5][k0:k1], w[k0*nr:k1*nr])
					for r, s := range [mr]int64{s0, s1, s2, s3, s4, s5} {
						l0, l1 := splitLanes(s)
						acc[r][0] += l0
						acc[r][1] += l1
					}
				}
				j := p * nr
				for c := 0; c < nr && j+c < n; c++ {
					var b int32
					if bias != nil {
						b = bias[j+c]
					}
					sc := scale[j+c]
					for r := range acc {
						dst[(i+r)*n+j+c] = Requantize(b+acc[r][c]-rowsum[r], sc, zp, lo, hi)
					}
				}
			}
		}
		for ; i < m; i++ {
			pointwiseQ8Row(dst[i*n:i*n+n], src[i*k:i*k+k], k, n, packed, p0, p1, bias, wzp, rq)
		}
	}
}

// pointwiseQ8Row computes one row of output channels [p0*NR, p1*NR) (the rows
// left over after the tiles, and the classifier's single row), three panels
// at a time.
func pointwiseQ8Row(out, x []int8, k, n int, packed []int8, p0, p1 int, bias []int32, wzp int32, rq *Requant) {
	const nr = pointwiseQ8NR
	rowsum := wzp * sumI8(x)
	for p := p0; p < p1; p += 3 {
		var acc [3 * nr]int32
		panel := func(q int) []int8 {
			q = min(q, p1-1) // past the block: repeat the last panel, results dropped
			return packed[q*k*nr : (q+1)*k*nr]
		}
		w0, w1, w2 := panel(p), panel(p+1), panel(p+2)
		for k0 := 0; k0 < k; k0 += pointwiseQ8MaxK {
			k1 := min(k0+pointwiseQ8MaxK, k)
			s0, s1, s2 := dotQ8x1x6(x[k0:k1], w0[k0*nr:k1*nr], w1[k0*nr:k1*nr], w2[k0*nr:k1*nr])
			for q, s := range [3]int64{s0, s1, s2} {
				l0, l1 := splitLanes(s)
				acc[q*nr] += l0
				acc[q*nr+1] += l1
			}
		}
		for c, a := range acc {
			j := p*nr + c
			if j >= n || j >= p1*nr {
				break
			}
			var b int32
			if bias != nil {
				b = bias[j]
			}
			out[j] = Requantize(b+a-rowsum, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
}

// splitLanes returns the two signed 32-bit lane sums packed in s = l0 +
// l1<<32, exact when both lie in the int32 range.
func splitLanes(s int64) (l0, l1 int32) {
	l0 = int32(s)
	return l0, int32((s - int64(l0)) >> 32)
}

// sumI8 returns the int32 sum of x.
func sumI8(x []int8) int32 {
	var s int32
	for _, v := range x {
		s += int32(v)
	}
	return s
}

// dotQ8x6x2 is the SWAR register micro-kernel: six rows a0..a5 (length k)
// times one packed panel b (k-major pairs, length 2k). Each result holds the
// row's dot products with both panel columns, one per 32-bit lane.
func dotQ8x6x2(a0, a1, a2, a3, a4, a5, b []int8) (c0, c1, c2, c3, c4, c5 int64) {
	n := len(a0)
	a1 = a1[:n]
	a2 = a2[:n]
	a3 = a3[:n]
	a4 = a4[:n]
	a5 = a5[:n]
	for i := range a0 {
		if len(b) < 2 {
			break
		}
		pair := int64(b[0]) + int64(b[1])<<32
		b = b[2:]
		c0 += pair * int64(a0[i])
		c1 += pair * int64(a1[i])
		c2 += pair * int64(a2[i])
		c3 += pair * int64(a3[i])
		c4 += pair * int64(a4[i])
		c5 += pair * int64(a5[i])
	}
	return
}

// dotQ8x1x6 is the one-row SWAR micro-kernel over three panels b0..b2.
func dotQ8x1x6(a, b0, b1, b2 []int8) (c0, c1, c2 int64) {
	n := len(a)
	b0 = b0[:2*n]
	b1 = b1[:2*n]
	b2 = b2[:2*n]
	for _, x := range a {
		if len(b0) < 2 || len(b1) < 2 || len(b2) < 2 {
			break
		}
		v := int64(x)
		c0 += (int64(b0[0]) + int64(b0[1])<<32) * v
		c1 += (int64(b1[0]) + int64(b1[1])<<32) * v
		c2 += (int64(b2[0]) + int64(b2[1])<<32) * v
		b0, b1, b2 = b0[2:], b1[2:], b2[2:]
	}
	return
}
