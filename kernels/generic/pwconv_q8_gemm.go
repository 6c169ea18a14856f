package generic

// SWAR int8 GEMM. The three weights w0, w1, w2 of a panel row form one int64
// w0 + w1<<21 + w2<<42; one 64-bit multiply by an input x gives the three
// products, one per 21-bit lane, and summing those sums each column in its
// lane. A product is at most 128*128 = 2^14 in magnitude, so pointwiseQ8Chunk
// = 63 terms stay below 2^20 and the signed lanes separate exactly
// (splitLanes3); every chunk's lanes are added to int32 accumulators, which
// wrap exactly as the reference's int32 sums do. One multiply for three
// multiply-adds is what makes scalar Go fast here: the 64-bit multiplier is
// the bottleneck.
const (
	pointwiseQ8Lane  = 21
	pointwiseQ8Chunk = 63
)

// pointwiseQ8 is the GEMM behind PointwiseQ8: column blocks of panels sized
// for L2, inside them row tiles of pointwiseQ8MR rows that sweep the block's
// panels with the 6x3 SWAR micro-kernel.
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
				if wzp != 0 { // per-channel weights (wzp 0) need no row sums
					rowsum[r] = wzp * SumQ8(a[r])
				}
			}
			for p := p0; p < p1; p++ {
				var acc [mr][nr]int32
				dotQ8x6x3(&acc, a[0], a[1], a[2], a[3], a[4], a[5], packed[p*k*nr:(p+1)*k*nr])
				j := p * nr
				cols := min(nr, n-j) // the last panel may be partly padding
				for c := 0; c < cols; c++ {
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
	var rowsum int32
	if wzp != 0 {
		rowsum = wzp * SumQ8(x)
	}
	panel := func(q int) []int8 {
		q = min(q, p1-1) // past the block: repeat the last panel, results dropped
		return packed[q*k*nr : (q+1)*k*nr]
	}
	for p := p0; p < p1; p += 3 {
		var acc [3][nr]int32
		dotQ8x1x9(&acc, x, panel(p), panel(p+1), panel(p+2))
		for q := range acc {
			for c, a := range acc[q] {
				j := (p+q)*nr + c
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
}

// packWeights3 is the SWAR int64 of a panel row's three weights.
func packWeights3(b []int8) int64 {
	return int64(b[0]) + int64(b[1])<<pointwiseQ8Lane + int64(b[2])<<(2*pointwiseQ8Lane)
}

// splitLanes3 returns the three signed lane sums packed in s = l0 + l1<<21 +
// l2<<42, exact when each lies in [-2^20, 2^20).
func splitLanes3(s int64) (l0, l1, l2 int32) {
	const sh = 64 - pointwiseQ8Lane
	v0 := s << sh >> sh // sign-extend the low lane
	s = (s - v0) >> pointwiseQ8Lane
	v1 := s << sh >> sh
	return int32(v0), int32(v1), int32((s - v1) >> pointwiseQ8Lane)
}

// addLanes3 adds the lanes of s to acc.
func addLanes3(acc *[3]int32, s int64) {
	l0, l1, l2 := splitLanes3(s)
	acc[0] += l0
	acc[1] += l1
	acc[2] += l2
}

// dotQ8x6x3 is the SWAR register micro-kernel: six rows a0..a5 (length k)
// times one packed panel b (k-major triples, length 3k), added to acc.
func dotQ8x6x3(acc *[6][3]int32, a0, a1, a2, a3, a4, a5, b []int8) {
	k := len(a0)
	for k0 := 0; k0 < k; k0 += pointwiseQ8Chunk {
		k1 := min(k0+pointwiseQ8Chunk, k)
		x0, x1, x2, x3, x4, x5 := a0[k0:k1], a1[k0:k1], a2[k0:k1], a3[k0:k1], a4[k0:k1], a5[k0:k1]
		w := b[3*k0 : 3*k1]
		var c0, c1, c2, c3, c4, c5 int64
		for i := range x0 {
			if len(w) < 3 {
				break
			}
			p := packWeights3(w)
			w = w[3:]
			c0 += p * int64(x0[i])
			c1 += p * int64(x1[i])
			c2 += p * int64(x2[i])
			c3 += p * int64(x3[i])
			c4 += p * int64(x4[i])
			c5 += p * int64(x5[i])
		}
		addLanes3(&acc[0], c0)
		addLanes3(&acc[1], c1)
		addLanes3(&acc[2], c2)
		addLanes3(&acc[3], c3)
		addLanes3(&acc[4], c4)
		addLanes3(&acc[5], c5)
	}
}

// dotQ8x1x9 is the one-row SWAR micro-kernel over three panels b0..b2 (nine
// output channels), added to acc.
func dotQ8x1x9(acc *[3][3]int32, a, b0, b1, b2 []int8) {
	k := len(a)
	for k0 := 0; k0 < k; k0 += pointwiseQ8Chunk {
		k1 := min(k0+pointwiseQ8Chunk, k)
		w0, w1, w2 := b0[3*k0:3*k1], b1[3*k0:3*k1], b2[3*k0:3*k1]
		var c0, c1, c2 int64
		for _, x := range a[k0:k1] {
			if len(w0) < 3 || len(w1) < 3 || len(w2) < 3 {
				break
			}
			v := int64(x)
			c0 += packWeights3(w0) * v
			c1 += packWeights3(w1) * v
			c2 += packWeights3(w2) * v
			w0, w1, w2 = w0[3:], w1[3:], w2[3:]
		}
		addLanes3(&acc[0], c0)
		addLanes3(&acc[1], c1)
		addLanes3(&acc[2], c2)
	}
}
