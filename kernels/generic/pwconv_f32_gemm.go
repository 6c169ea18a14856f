package generic

// pointwiseBlockBytes bounds the packed weights one column block holds, so a
// block stays in the L2 cache while every row tile of the image sweeps it.
const pointwiseBlockBytes = 128 << 10

// pointwiseF32 is the GEMM behind PointwiseF32: column blocks of panels sized
// for L2, inside them row tiles of pointwiseMR rows that each sweep the
// block's panels with the 3x2 register micro-kernel.
func pointwiseF32(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32) {
	if m <= 0 || n <= 0 {
		return
	}
	const mr, nr = pointwiseMR, pointwiseNR
	src = src[:m*k]
	dst = dst[:m*n]
	panels := (n + nr - 1) / nr
	packed = packed[:panels*k*nr]
	block := pointwiseBlockBytes / (4 * nr * max(k, 1)) // panels per column block
	block = max(block, 1)
	for p0 := 0; p0 < panels; p0 += block {
		p1 := min(p0+block, panels)
		i := 0
		for ; i+mr <= m; i += mr {
			a0 := src[i*k : i*k+k]
			a1 := src[(i+1)*k : (i+1)*k+k]
			a2 := src[(i+2)*k : (i+2)*k+k]
			for p := p0; p < p1; p++ {
				c00, c01, c10, c11, c20, c21 := dotF32x3x2(a0, a1, a2, packed[p*k*nr:(p+1)*k*nr])
				j := p * nr
				b0, b1 := biasPair(bias, j, n)
				if j+1 < n {
					d := dst[i*n+j : (i+2)*n+j+2]
					d[0] = clampF32(c00+b0, lo, hi)
					d[1] = clampF32(c01+b1, lo, hi)
					d[n] = clampF32(c10+b0, lo, hi)
					d[n+1] = clampF32(c11+b1, lo, hi)
					d[2*n] = clampF32(c20+b0, lo, hi)
					d[2*n+1] = clampF32(c21+b1, lo, hi)
				} else {
					dst[i*n+j] = clampF32(c00+b0, lo, hi)
					dst[(i+1)*n+j] = clampF32(c10+b0, lo, hi)
					dst[(i+2)*n+j] = clampF32(c20+b0, lo, hi)
				}
			}
		}
		for ; i < m; i++ {
			pointwiseF32Row(dst[i*n:i*n+n], src[i*k:i*k+k], k, n, packed, p0, p1, bias, lo, hi)
		}
	}
}

// pointwiseF32Row computes one row of output channels [p0*NR, p1*NR) (the
// rows left over after the tiles, and the classifier's single row), three
// panels at a time.
func pointwiseF32Row(out, x []float32, k, n int, packed []float32, p0, p1 int, bias []float32, lo, hi float32) {
	const nr = pointwiseNR
	panel := func(q int) []float32 {
		q = min(q, p1-1) // past the block: repeat the last panel, results dropped
		return packed[q*k*nr : (q+1)*k*nr]
	}
	for p := p0; p < p1; p += 3 {
		c0, c1, c2, c3, c4, c5 := dotF32x1x6(x, panel(p), panel(p+1), panel(p+2))
		for c, v := range [3 * nr]float32{c0, c1, c2, c3, c4, c5} {
			j := p*nr + c
			if j >= n || j >= p1*nr {
				break
			}
			if bias != nil {
				v += bias[j]
			}
			out[j] = clampF32(v, lo, hi)
		}
	}
}

// biasPair returns the biases of output channels j and j+1 (0 when bias is
// nil or j+1 >= n).
func biasPair(bias []float32, j, n int) (b0, b1 float32) {
	if bias == nil {
		return 0, 0
	}
	b0 = bias[j]
	if j+1 < n {
		b1 = bias[j+1]
	}
	return b0, b1
}

// dotF32x3x2 is the register micro-kernel: three rows a0..a2 (length k) times
// one packed panel b (k-major pairs, length 2k), summed in k order. Advancing
// b by re-slicing (guarded by len(b) >= 2) leaves the loop free of bounds
// checks.
func dotF32x3x2(a0, a1, a2, b []float32) (c00, c01, c10, c11, c20, c21 float32) {
	n := len(a0)
	a1 = a1[:n]
	a2 = a2[:n]
	for i := range a0 {
		if len(b) < 2 {
			break
		}
		b0, b1 := b[0], b[1]
		b = b[2:]
		c00 += b0 * a0[i]
		c01 += b1 * a0[i]
		c10 += b0 * a1[i]
		c11 += b1 * a1[i]
		c20 += b0 * a2[i]
		c21 += b1 * a2[i]
	}
	return
}

// dotF32x1x6 is the one-row micro-kernel over three panels b0..b2.
func dotF32x1x6(a, b0, b1, b2 []float32) (c0, c1, c2, c3, c4, c5 float32) {
	for _, x := range a {
		if len(b0) < 2 || len(b1) < 2 || len(b2) < 2 {
			break
		}
		c0 += b0[0] * x
		c1 += b0[1] * x
		c2 += b1[0] * x
		c3 += b1[1] * x
		c4 += b2[0] * x
		c5 += b2[1] * x
		b0, b1, b2 = b0[2:], b1[2:], b2[2:]
	}
	return
}
