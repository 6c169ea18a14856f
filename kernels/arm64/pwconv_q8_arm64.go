//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Tile shapes of the int8 pointwise kernels. The runtime splits m in
// multiples of the TileM of the kernel it picked.
const (
	PointwiseQ8TileM    = 4 // SMULL/SADALP kernel: 4 rows x 4 channels
	PointwiseQ8DotTileM = 8 // SDOT kernel: 8 rows x 8 channels
	pointwiseQ8WideNR   = 4
	pointwiseQ8DotNR    = 8
	pointwiseQ8KBlock   = 16 // k bytes per loop iteration; packed k is padded to it
)

//go:noescape
func pwQ8WideTile(a *int8, lda, m, kblocks int, atail *int8, tail int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, rs *int32, scale *float32, zp, lo, hi int32)

//go:noescape
func pwQ8DotTile(a *int8, lda, m, kblocks int, atail *int8, tail int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, rs *int32, scale *float32, zp, lo, hi int32)

// q8Tile calls the SDOT or the widening tile kernel. A switch rather than a
// func value: escape analysis sees through direct calls only, and the
// scratch arrays must stay on the stack (Run allocates nothing).
func q8Tile(dot bool, a *int8, lda, m, kblocks int, atail *int8, tail int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, rs *int32, scale *float32, zp, lo, hi int32) {
	if dot {
		pwQ8DotTile(a, lda, m, kblocks, atail, tail, b, npanels, c, ldc, bias, biasStep, rs, scale, zp, lo, hi)
	} else {
		pwQ8WideTile(a, lda, m, kblocks, atail, tail, b, npanels, c, ldc, bias, biasStep, rs, scale, zp, lo, hi)
	}
}

func roundUpK(k int) int { return (k + pointwiseQ8KBlock - 1) / pointwiseQ8KBlock * pointwiseQ8KBlock }

// PackPointwiseQ8 packs w, [n][k] row-major, for PointwiseQ8: panels
// of 4 output channels, k padded with zeros to a multiple of 16, in 16-k
// blocks of 4 channels x 16 bytes:
//
//	packed[p*kp*4 + kb*64 + j*16 + t] = w[(p*4+j)*k + kb*16+t]   (0 outside w)
func PackPointwiseQ8(w []int8, n, k int) []int8 {
	kp := roundUpK(k)
	nr := pointwiseQ8WideNR
	panels := (n + nr - 1) / nr
	packed := make([]int8, panels*kp*nr)
	for j := 0; j < n; j++ {
		p, jj := j/nr, j%nr
		for kk, v := range w[j*k : j*k+k] {
			packed[p*kp*nr+kk/16*16*nr+jj*16+kk%16] = v
		}
	}
	return packed
}

// PackPointwiseQ8Dot packs w, [n][k] row-major, for PointwiseQ8Dot: panels
// of 8 output channels, k padded with zeros to a multiple of 16, in 4-k
// groups of 8 channels x 4 bytes (the SDOT operand layout):
//
//	packed[p*kp*8 + g*32 + j*4 + t] = w[(p*8+j)*k + g*4+t]   (0 outside w)
func PackPointwiseQ8Dot(w []int8, n, k int) []int8 {
	kp := roundUpK(k)
	nr := pointwiseQ8DotNR
	panels := (n + nr - 1) / nr
	packed := make([]int8, panels*kp*nr)
	for j := 0; j < n; j++ {
		p, jj := j/nr, j%nr
		for kk, v := range w[j*k : j*k+k] {
			packed[p*kp*nr+kk/4*4*nr+jj*4+kk%4] = v
		}
	}
	return packed
}

// SupportsPointwiseQ8 reports whether PointwiseQ8 computes a layer with
// requantization rq: its zero point and clamp must lie in [-128, 127], where
// the assembly's int16 requantization equals generic's (always so for int8
// outputs).
func SupportsPointwiseQ8(rq *generic.Requant) bool {
	return rq != nil && inInt8(rq.ZeroPoint) && inInt8(rq.Min) && inInt8(rq.Max)
}

// PointwiseQ8 is generic.PointwiseQ8 on ARMv8.0 NEON (SMULL, SMULL2,
// SADALP; exact for every int8 input and weight including -128):
//
//	acc = bias[j] + sum_kk src[i*k+kk]*w[j*k+kk] - wzp*sum_kk src[i*k+kk]
//	dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
//
// with w packed by PackPointwiseQ8. Bit-exact with generic. It panics unless
// SupportsPointwiseQ8(rq).
func PointwiseQ8(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	if !SupportsPointwiseQ8(rq) {
		panic(fmt.Sprintf("arm64.PointwiseQ8: unsupported requantization %+v: zero point and clamp must lie in int8", rq))
	}
	pointwiseQ8(false, PointwiseQ8TileM, pointwiseQ8WideNR, "PointwiseQ8", dst, src, m, k, n, packed, bias, wzp, rq)
}

// PointwiseQ8Dot is PointwiseQ8 with SDOT (ARMv8.2 dot product) and an int32
// requantization that takes any zero point and clamp, w packed by
// PackPointwiseQ8Dot. Bit-exact with generic.
func PointwiseQ8Dot(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	pointwiseQ8(true, PointwiseQ8DotTileM, pointwiseQ8DotNR, "PointwiseQ8Dot", dst, src, m, k, n, packed, bias, wzp, rq)
}

// pointwiseQ8 drives an int8 tile kernel: per tile of tileM rows it computes
// wzp*rowsum and the zero-padded k%16 remainder in Go, lets the assembly run
// every full panel, and sends a last partial panel through a scratch tile.
func pointwiseQ8(dot bool, tileM, nr int, name string, dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	if m <= 0 || n <= 0 {
		return
	}
	kp := roundUpK(k)
	panels := (n + nr - 1) / nr
	if k < 0 || len(src) < m*k || len(dst) < m*n || len(packed) < panels*kp*nr || (bias != nil && len(bias) < n) || len(rq.Scale) < n {
		panic(fmt.Sprintf("arm64.%s: short buffers for m=%d k=%d n=%d (src %d, dst %d, packed %d, bias %d, scale %d)",
			name, m, k, n, len(src), len(dst), len(packed), len(bias), len(rq.Scale)))
	}
	if k == 0 {
		pointwiseQ8BiasOnly(dst, m, n, bias, rq)
		return
	}
	full := n / nr
	var zeroBias [pointwiseQ8DotNR]int32
	biasPtr, biasStep := &zeroBias[0], 0
	if bias != nil {
		biasPtr, biasStep = &bias[0], 4*nr
	}
	kblocks, rem := k/pointwiseQ8KBlock, k%pointwiseQ8KBlock
	tail := 0
	if rem != 0 {
		tail = 1
	}
	var rs [PointwiseQ8DotTileM]int32
	var atail [PointwiseQ8DotTileM * pointwiseQ8KBlock]int8
	for i := 0; i < m; i += tileM {
		r := min(tileM, m-i)
		for ii := 0; ii < r; ii++ {
			rs[ii] = 0
			if wzp != 0 { // legacy uint8 weights: the row sum, 8 values a step
				rs[ii] = wzp * generic.SumQ8(src[(i+ii)*k:(i+ii)*k+k])
			}
			if rem != 0 {
				t := atail[ii*pointwiseQ8KBlock : (ii+1)*pointwiseQ8KBlock]
				clear(t[copy(t, src[(i+ii)*k+kblocks*pointwiseQ8KBlock:(i+ii)*k+k]):])
			}
		}
		if full > 0 {
			q8Tile(dot, &src[i*k], k, r, kblocks, &atail[0], tail, &packed[0], full, &dst[i*n], n,
				biasPtr, biasStep, &rs[0], &rq.Scale[0], rq.ZeroPoint, rq.Min, rq.Max)
		}
		if full < panels {
			pointwiseQ8TailPanel(dot, nr, dst, src, i, r, k, n, packed[full*kp*nr:], bias, &atail[0], tail, &rs[0], rq)
		}
	}
}

// pointwiseQ8TailPanel computes the last n%nr output channels of rows
// [i, i+r) through a scratch tile.
func pointwiseQ8TailPanel(dot bool, nr int, dst, src []int8, i, r, k, n int, panel []int8, bias []int32, atail *int8, tail int, rs *int32, rq *generic.Requant) {
	j0 := n / nr * nr
	var b [pointwiseQ8DotNR]int32
	var sc [pointwiseQ8DotNR]float32
	if bias != nil {
		copy(b[:], bias[j0:n])
	}
	copy(sc[:], rq.Scale[j0:n])
	var tile [PointwiseQ8DotTileM * pointwiseQ8DotNR]int8
	q8Tile(dot, &src[i*k], k, r, k/pointwiseQ8KBlock, atail, tail, &panel[0], 1, &tile[0], nr,
		&b[0], 0, rs, &sc[0], rq.ZeroPoint, rq.Min, rq.Max)
	for ii := 0; ii < r; ii++ {
		copy(dst[(i+ii)*n+j0:(i+ii)*n+n], tile[ii*nr:ii*nr+n-j0])
	}
}

// pointwiseQ8BiasOnly is the k == 0 case: every output is its requantized
// bias.
func pointwiseQ8BiasOnly(dst []int8, m, n int, bias []int32, rq *generic.Requant) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var acc int32
			if bias != nil {
				acc = bias[j]
			}
			dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
}
