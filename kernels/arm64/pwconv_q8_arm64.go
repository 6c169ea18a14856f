//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Tile shapes of the int8 pointwise kernels. The runtime splits m in
// multiples of the TileM of the kernel it picked.
const (
	PointwiseQ8TileM    = 4 // widening kernel: 4 rows x 4 channels
	PointwiseQ8DotTileM = 8 // SDOT kernel: 8 rows x 8 channels
	pointwiseQ8WideNR   = 4
	pointwiseQ8DotNR    = 8
	pointwiseQ8KBlock   = 16 // k bytes per loop iteration; packed k is padded to it

	// PointwiseQ8MaxK is the largest k the int8 pointwise kernels take: a
	// row tile is copied, k-blocked, into a stack buffer of TileM x
	// PointwiseQ8MaxK bytes (32 KB for the SDOT kernel). MobileNet's largest
	// is 1024.
	PointwiseQ8MaxK = 4096
	// pointwiseQ8SmallK is the k up to which the row tile goes through a
	// stack buffer 8 times smaller (Go zeroes a stack buffer on every call).
	pointwiseQ8SmallK = 512
)

//go:noescape
func pwQ8WidePack(a *int8, lda, m, kblocks int, ap *int8, tail int, rsb *int32, wzp int32)

//go:noescape
func pwQ8WidePackA53(a *int8, lda, m, kblocks int, ap *int8, tail int, rsb *int32, wzp int32)

//go:noescape
func pwQ8DotPack(a *int8, lda, m, kblocks int, ap *int8, tail int, rsb *int32, wzp int32)

// The tile functions: pwQ8WideTile{,N}{,1} (widening, wide or narrow
// weights, 4 rows or 1), pwQ8WideTile{,N}A53 (4 rows, scheduled for
// in-order cores) and pwQ8DotTile{,4,1} (SDOT, 8, 4 or 1 rows).

//go:noescape
func pwQ8WideTile(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTile1(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTileN(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTileN1(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTile1A53(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTileN1A53(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTileA53(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8WideTileNA53(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8DotTile(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8DotTile4(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

//go:noescape
func pwQ8DotTile1(ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32)

// q8Kernel names one int8 pointwise assembly kernel: its pack and tile
// functions are called through a switch (q8Pack, q8Tile) rather than func
// values, because escape analysis sees through direct calls only and the
// row-tile buffers must stay on the stack (Run allocates nothing).
type q8Kernel int

const (
	q8Wide          q8Kernel = iota // pwQ8WideTile: SMULL, SMULL2, 2 SADALP
	q8WideNarrow                    // pwQ8WideTileN: SMULL, SMLAL2, SADALP (weights in [-127, 127])
	q8WideA53                       // pwQ8WideTileA53: q8Wide scheduled for in-order cores
	q8WideNarrowA53                 // pwQ8WideTileNA53: q8WideNarrow scheduled for in-order cores
	q8Dot                           // pwQ8DotTile: SDOT
)

func (kn q8Kernel) tileM() int {
	if kn == q8Dot {
		return PointwiseQ8DotTileM
	}
	return PointwiseQ8TileM
}

func (kn q8Kernel) nr() int {
	if kn == q8Dot {
		return pointwiseQ8DotNR
	}
	return pointwiseQ8WideNR
}

func q8Pack(kn q8Kernel, a *int8, lda, m, kblocks int, ap *int8, tail int, rsb *int32, wzp int32) {
	switch kn {
	case q8Dot:
		pwQ8DotPack(a, lda, m, kblocks, ap, tail, rsb, wzp)
	case q8WideA53, q8WideNarrowA53:
		pwQ8WidePackA53(a, lda, m, kblocks, ap, tail, rsb, wzp)
	default:
		pwQ8WidePack(a, lda, m, kblocks, ap, tail, rsb, wzp)
	}
}

// q8Tile runs the tile function of kernel kn for m rows: the one of the
// smallest height that covers them (rows the kernel computes beyond m are
// wasted multiplies).
func q8Tile(kn q8Kernel, ap *int8, kblocks int, b *int8, npanels int, c *int8, ldc, m int, bias *int32, biasStep int, scale *float32, rsb *int32, rsz int, zp, lo, hi int32) {
	switch {
	case kn == q8Dot && m > 4:
		pwQ8DotTile(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8Dot && m > 1:
		pwQ8DotTile4(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8Dot:
		pwQ8DotTile1(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8WideNarrowA53 && m > 1:
		pwQ8WideTileNA53(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8WideA53 && m > 1:
		pwQ8WideTileA53(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8WideNarrowA53:
		pwQ8WideTileN1A53(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8WideA53:
		pwQ8WideTile1A53(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8WideNarrow && m > 1:
		pwQ8WideTileN(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case kn == q8WideNarrow:
		pwQ8WideTileN1(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	case m > 1:
		pwQ8WideTile(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	default:
		pwQ8WideTile1(ap, kblocks, b, npanels, c, ldc, m, bias, biasStep, scale, rsb, rsz, zp, lo, hi)
	}
}

func roundUpK(k int) int { return (k + pointwiseQ8KBlock - 1) / pointwiseQ8KBlock * pointwiseQ8KBlock }

// PackPointwiseQ8 packs w, [n][k] row-major, for PointwiseQ8: panels of 4
// output channels, k padded with zeros to a multiple of 16, in 16-k blocks of
// 4 channels x 16 bytes, then one byte that is 1 when every weight lies in
// [-127, 127] (the kernel then pairs two products per int16), else 0:
//
//	packed[p*kp*4 + kb*64 + j*16 + t] = w[(p*4+j)*k + kb*16+t]   (0 outside w)
//	packed[panels*kp*4] = narrow
func PackPointwiseQ8(w []int8, n, k int) []int8 {
	kp := roundUpK(k)
	nr := pointwiseQ8WideNR
	panels := (n + nr - 1) / nr
	packed := make([]int8, panels*kp*nr+1)
	narrow := int8(1)
	for j := 0; j < n; j++ {
		p, jj := j/nr, j%nr
		for kk, v := range w[j*k : j*k+k] {
			packed[p*kp*nr+kk/16*16*nr+jj*16+kk%16] = v
			if v == -128 {
				narrow = 0
			}
		}
	}
	packed[len(packed)-1] = narrow
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

// SupportsPointwiseQ8 reports whether PointwiseQ8 and PointwiseQ8Dot compute
// a layer of k input channels with requantization rq: k at most
// PointwiseQ8MaxK, the clamp in [-128, 127] and |zero point| <= 32640,
// where the assembly's int16 requantization equals generic's (always so for
// int8 outputs).
func SupportsPointwiseQ8(k int, rq *generic.Requant) bool {
	return rq != nil && k <= PointwiseQ8MaxK && inInt8(rq.Min) && inInt8(rq.Max) &&
		rq.ZeroPoint >= -32640 && rq.ZeroPoint <= 32640
}

// PointwiseQ8 is generic.PointwiseQ8 on ARMv8.0 NEON (SMULL, SMULL2,
// SADALP; SMULL, SMLAL2, SADALP when every weight lies in [-127, 127]),
// weight zero point included:
//
//	acc = bias[j] + sum_kk src[i*k+kk]*w[j*k+kk] - wzp*sum_kk src[i*k+kk]
//	dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
//
// with w packed by PackPointwiseQ8. Bit-exact with generic. It panics unless
// SupportsPointwiseQ8(k, rq).
func PointwiseQ8(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	kn := q8Wide
	if len(packed) > 0 && packed[len(packed)-1] == 1 {
		kn = q8WideNarrow
	}
	pointwiseQ8(kn, "PointwiseQ8", dst, src, m, k, n, packed, 1, bias, wzp, rq)
}

// PointwiseQ8A53 is PointwiseQ8 with its 4-row tiles scheduled for in-order
// cores (pwQ8WideTileA53, pwQ8WideTileNA53): the same instructions and
// results. Same contract as PointwiseQ8.
func PointwiseQ8A53(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	kn := q8WideA53
	if len(packed) > 0 && packed[len(packed)-1] == 1 {
		kn = q8WideNarrowA53
	}
	pointwiseQ8(kn, "PointwiseQ8A53", dst, src, m, k, n, packed, 1, bias, wzp, rq)
}

// PointwiseQ8Dot is PointwiseQ8 with SDOT (ARMv8.2 dot product), w packed
// by PackPointwiseQ8Dot. Bit-exact with generic. It panics unless
// SupportsPointwiseQ8(k, rq).
func PointwiseQ8Dot(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	pointwiseQ8(q8Dot, "PointwiseQ8Dot", dst, src, m, k, n, packed, 0, bias, wzp, rq)
}

// pointwiseQ8 checks the call and runs it through a row-tile buffer sized
// for k.
func pointwiseQ8(kn q8Kernel, name string, dst, src []int8, m, k, n int, packed []int8, trailer int, bias []int32, wzp int32, rq *generic.Requant) {
	if !SupportsPointwiseQ8(k, rq) {
		panic(fmt.Sprintf("arm64.%s: unsupported layer: k=%d (at most %d) with requantization %+v (clamp in int8, |zero point| <= 32640)",
			name, k, PointwiseQ8MaxK, rq))
	}
	if m <= 0 || n <= 0 {
		return
	}
	nr := kn.nr()
	panels := (n + nr - 1) / nr
	if k < 0 || len(src) < m*k || len(dst) < m*n || len(packed) != panels*roundUpK(k)*nr+trailer ||
		(bias != nil && len(bias) < n) || len(rq.Scale) < n {
		panic(fmt.Sprintf("arm64.%s: short buffers or weights packed for another shape: m=%d k=%d n=%d (src %d, dst %d, packed %d, bias %d, scale %d)",
			name, m, k, n, len(src), len(dst), len(packed), len(bias), len(rq.Scale)))
	}
	if k == 0 {
		pointwiseQ8BiasOnly(dst, m, n, bias, rq)
		return
	}
	if k <= pointwiseQ8SmallK {
		var ap [PointwiseQ8DotTileM * pointwiseQ8SmallK]int8
		pointwiseQ8Tiles(kn, ap[:], dst, src, m, k, n, packed, bias, wzp, rq)
		return
	}
	var ap [PointwiseQ8DotTileM * PointwiseQ8MaxK]int8
	pointwiseQ8Tiles(kn, ap[:], dst, src, m, k, n, packed, bias, wzp, rq)
}

// pointwiseQ8Tiles runs the kernel on each tile of tileM rows: the Go code
// writes the zero-padded k%16 remainder of the rows into the last block of
// ap, the pack function copies the full blocks and sums the rows, the tile
// function computes every full panel, and a last partial panel goes through
// a scratch tile.
func pointwiseQ8Tiles(kn q8Kernel, ap, dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	tileM, nr := kn.tileM(), kn.nr()
	kp := roundUpK(k)
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
	var rsb [PointwiseQ8DotTileM * 4]int32
	rsz := 0
	if wzp == 0 {
		rsz = 1
	}
	for i := 0; i < m; i += tileM {
		r := min(tileM, m-i)
		if tail != 0 {
			blk := ap[kblocks*tileM*pointwiseQ8KBlock : (kblocks+1)*tileM*pointwiseQ8KBlock]
			for ii := 0; ii < tileM; ii++ {
				row := i + min(ii, r-1)
				t := blk[ii*pointwiseQ8KBlock : (ii+1)*pointwiseQ8KBlock]
				clear(t[copy(t, src[row*k+kblocks*pointwiseQ8KBlock:row*k+k]):])
			}
		}
		// The SDOT kernel's pack and 8-row tiles are called directly: through
		// q8Pack and q8Tile (not inlined) each call would pass its arguments
		// twice, about 40 instructions per row tile.
		if kn == q8Dot {
			pwQ8DotPack(&src[i*k], k, r, kblocks, &ap[0], tail, &rsb[0], wzp)
		} else {
			q8Pack(kn, &src[i*k], k, r, kblocks, &ap[0], tail, &rsb[0], wzp)
		}
		if full > 0 && kn == q8Dot && r > 4 {
			pwQ8DotTile(&ap[0], kp/pointwiseQ8KBlock, &packed[0], full, &dst[i*n], n, r,
				biasPtr, biasStep, &rq.Scale[0], &rsb[0], rsz, rq.ZeroPoint, rq.Min, rq.Max)
		} else if full > 0 {
			q8Tile(kn, &ap[0], kp/pointwiseQ8KBlock, &packed[0], full, &dst[i*n], n, r,
				biasPtr, biasStep, &rq.Scale[0], &rsb[0], rsz, rq.ZeroPoint, rq.Min, rq.Max)
		}
		if full*nr < n {
			pointwiseQ8TailPanel(kn, dst, i, r, kp, n, packed[full*kp*nr:], bias, ap, &rsb[0], rsz, rq)
		}
	}
}

// pointwiseQ8TailPanel computes the last n%nr output channels of rows
// [i, i+r) from the packed row tile ap through a scratch tile.
func pointwiseQ8TailPanel(kn q8Kernel, dst []int8, i, r, kp, n int, panel []int8, bias []int32, ap []int8, rsb *int32, rsz int, rq *generic.Requant) {
	nr := kn.nr()
	j0 := n / nr * nr
	var b [pointwiseQ8DotNR]int32
	var sc [pointwiseQ8DotNR]float32
	if bias != nil {
		copy(b[:], bias[j0:n])
	}
	copy(sc[:], rq.Scale[j0:n])
	var tile [PointwiseQ8DotTileM * pointwiseQ8DotNR]int8
	q8Tile(kn, &ap[0], kp/pointwiseQ8KBlock, &panel[0], 1, &tile[0], nr, r,
		&b[0], 0, &sc[0], rsb, rsz, rq.ZeroPoint, rq.Min, rq.Max)
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
