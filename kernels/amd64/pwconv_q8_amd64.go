//go:build gc && !purego

package amd64

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Tiles of the int8 pointwise kernels. The runtime splits m in multiples of
// the TileM of the kernel it picked; any m is still correct.
const (
	PointwiseQ8AVX2TileM = 6 // VPMADDWD kernel: 6 rows x 16 channels
	PointwiseQ8VNNITileM = 8 // VPDPBUSD kernel: 8 rows x 32 channels
)

// q8Kernel describes the packing of one int8 pointwise kernel.
type q8Kernel struct {
	vnni   bool
	name   string
	mr, nr int
	kstep  int // k values per multiply step (and per packed group)
}

var (
	q8AVX2 = q8Kernel{false, "PointwiseQ8AVX2", PointwiseQ8AVX2TileM, 16, 2}
	q8VNNI = q8Kernel{true, "PointwiseQ8VNNI", PointwiseQ8VNNITileM, 32, 4}
)

// pwQ8BlockBytes bounds the packed weights of one column block, as
// pwF32BlockBytes does for float32.
const pwQ8BlockBytes = 384 << 10

// geometry returns the panel count, k groups per panel, the byte size of
// the column-sum header (VNNI only) and of the packed weights.
func (q q8Kernel) geometry(n, k int) (panels, groups, hdr, size int) {
	panels = (n + q.nr - 1) / q.nr
	groups = (k + q.kstep - 1) / q.kstep
	if q.vnni {
		hdr = 4 * q.nr * panels
	}
	return panels, groups, hdr, hdr + panels*groups*q.kstep*q.nr
}

// index returns where weight w[j][kk] lives in the packed slice.
func (q q8Kernel) index(j, kk, groups, hdr int) int {
	p, jj := j/q.nr, j%q.nr
	g, t := kk/q.kstep, kk%q.kstep
	return hdr + (p*groups+g)*q.kstep*q.nr + jj*q.kstep + t
}

func (q q8Kernel) pack(w []int8, n, k int) []int8 {
	_, groups, hdr, size := q.geometry(n, k)
	packed := make([]int8, size)
	for j := 0; j < n; j++ {
		var sum int32
		for kk, v := range w[j*k : j*k+k] {
			packed[q.index(j, kk, groups, hdr)] = v
			sum += int32(v)
		}
		if q.vnni {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], uint32(128*sum))
			for i, v := range b {
				packed[4*j+i] = int8(v)
			}
		}
	}
	return packed
}

// PackPointwiseQ8AVX2 packs w, [n][k] row-major, for PointwiseQ8AVX2:
// panels of 16 output channels, k in pairs (zero-padded to even), each pair
// as 16 channels x 2 bytes:
//
//	packed[(p*K2+q)*32 + j*2 + t] = w[(p*16+j)*k + 2q+t]   (0 outside w; K2 = ceil(k/2))
func PackPointwiseQ8AVX2(w []int8, n, k int) []int8 { return q8AVX2.pack(w, n, k) }

// PackPointwiseQ8VNNI packs w, [n][k] row-major, for PointwiseQ8VNNI: a
// header of int32 column sums cs[j] = 128*sum_kk w[j][kk] (little-endian,
// 32*ceil(n/32) of them, zero for padding), then panels of 32 output
// channels, k in groups of 4 (zero-padded), each group as 32 channels x 4
// bytes (the VPDPBUSD operand layout):
//
//	packed[H + (p*K4+g)*128 + j*4 + t] = w[(p*32+j)*k + 4g+t]   (H = header bytes, K4 = ceil(k/4))
func PackPointwiseQ8VNNI(w []int8, n, k int) []int8 { return q8VNNI.pack(w, n, k) }

// PointwiseQ8AVX2 is generic.PointwiseQ8 with AVX2 (inputs and weights
// sign-extended to int16, pairs multiplied and added by VPMADDWD: exact for
// every int8 input, -128 included):
//
//	acc = bias[j] + sum_kk src[i*k+kk]*w[j*k+kk] - wzp*sum_kk src[i*k+kk]
//	dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
//
// with w packed by PackPointwiseQ8AVX2. Bit-exact with generic. It panics
// unless SupportsPointwiseQ8(rq).
func PointwiseQ8AVX2(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	pointwiseQ8(q8AVX2, dst, src, m, k, n, packed, bias, wzp, rq)
}

// PointwiseQ8VNNI is PointwiseQ8AVX2 with AVX-512 VNNI (VPDPBUSD on inputs
// biased to uint8, the bias removed through column sums folded at pack
// time), w packed by PackPointwiseQ8VNNI. Bit-exact with generic. It
// panics unless SupportsPointwiseQ8(rq).
func PointwiseQ8VNNI(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	pointwiseQ8(q8VNNI, dst, src, m, k, n, packed, bias, wzp, rq)
}

// q8Tile calls the VNNI or the AVX2 kernel; direct calls keep the stack
// scratch from escaping.
func q8Tile(vnni bool, a *int8, lda, ksteps int, atail *int8, tail, mr int, b *int8, npanels int, c *int8, ldc int,
	bias *int32, biasStep int, cs, rs *int32, scale *float32, zp, lo, hi int32) {
	if vnni {
		pwQ8Vnni(a, lda, ksteps, atail, tail, mr, b, npanels, c, ldc, bias, biasStep, cs, rs, scale, zp, lo, hi)
	} else {
		pwQ8Avx2(a, lda, ksteps, atail, tail, mr, b, npanels, c, ldc, bias, biasStep, rs, scale, zp, lo, hi)
	}
}

// SupportsPointwiseQ8 reports whether PointwiseQ8AVX2 and PointwiseQ8VNNI
// compute a layer with requantization rq: its clamp must lie in
// [-128, 127], where the assembly's saturating packs equal generic's int8
// conversion (always so for int8 outputs). Any zero point is added in int32.
func SupportsPointwiseQ8(rq *generic.Requant) bool { return int8Clamp(rq) }

// pointwiseQ8 drives an int8 tile kernel: column blocks of full panels sized
// for L2, each swept by every row tile, then a last partial panel through a
// scratch tile. Per row tile Go computes wzp*rowsum and copies the k values
// past the last full group, zero-padded, so the assembly never reads past a
// row; rows of a short tile past m repeat the last real row.
func pointwiseQ8(q q8Kernel, dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant) {
	if !SupportsPointwiseQ8(rq) {
		panic(fmt.Sprintf("amd64.%s: unsupported requantization (%s): the clamp must lie in int8", q.name, rqString(rq)))
	}
	if m <= 0 || n <= 0 {
		return
	}
	panels, groups, hdr, size := q.geometry(n, max(k, 0))
	if k < 0 || len(src) < m*k || len(dst) < m*n || len(packed) < size || (bias != nil && len(bias) < n) || len(rq.Scale) < n {
		panic(fmt.Sprintf("amd64.%s: short buffers for m=%d k=%d n=%d (src %d, dst %d, packed %d, bias %d, scale %d)",
			q.name, m, k, n, len(src), len(dst), len(packed), len(bias), len(rq.Scale)))
	}
	if k == 0 {
		pointwiseQ8BiasOnly(dst, m, n, bias, rq)
		return
	}
	ksteps, rem := k/q.kstep, k%q.kstep
	tail := 0
	if rem != 0 {
		tail = 1
	}
	full := n / q.nr
	block := max(1, pwQ8BlockBytes/(groups*q.kstep*q.nr))
	var zeroBias [32]int32
	var rs [PointwiseQ8VNNITileM]int32
	var atail [4 * PointwiseQ8VNNITileM]int8
	var cs *int32
	csHeader := func(j int) *int32 { // the column sums of channel j on, in the header
		return (*int32)(unsafe.Pointer(&packed[4*j]))
	}
	rows := func(i, r int) { // row sums and k tails of rows [i, i+r)
		for ii := 0; ii < q.mr; ii++ {
			row := src[(i+min(ii, r-1))*k:][:k]
			rs[ii] = 0
			if wzp != 0 {
				rs[ii] = wzp * sumRowI8(row)
			}
			if rem != 0 {
				t := atail[4*ii : 4*ii+4]
				clear(t[copy(t, row[ksteps*q.kstep:]):])
			}
		}
	}
	for p0 := 0; p0 < full; p0 += block {
		np := min(block, full-p0)
		b, step := &zeroBias[0], 0
		if bias != nil {
			b, step = &bias[p0*q.nr], 4*q.nr
		}
		if q.vnni {
			cs = csHeader(p0 * q.nr)
		}
		for i := 0; i < m; i += q.mr {
			r := min(q.mr, m-i)
			rows(i, r)
			q8Tile(q.vnni, &src[i*k], k, ksteps, &atail[0], tail, r, &packed[hdr+p0*groups*q.kstep*q.nr], np,
				&dst[i*n+p0*q.nr], n, b, step, cs, &rs[0], &rq.Scale[p0*q.nr], rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
	if full == panels {
		return
	}
	// The last n%nr channels: a scratch tile, bias and scales zero-padded.
	j0 := full * q.nr
	var tb [32]int32
	var ts [32]float32
	if bias != nil {
		copy(tb[:], bias[j0:n])
	}
	copy(ts[:], rq.Scale[j0:n])
	if q.vnni {
		cs = csHeader(j0)
	}
	var tile [PointwiseQ8VNNITileM * 32]int8
	for i := 0; i < m; i += q.mr {
		r := min(q.mr, m-i)
		rows(i, r)
		q8Tile(q.vnni, &src[i*k], k, ksteps, &atail[0], tail, r, &packed[hdr+full*groups*q.kstep*q.nr], 1,
			&tile[0], q.nr, &tb[0], 0, cs, &rs[0], &ts[0], rq.ZeroPoint, rq.Min, rq.Max)
		for ii := 0; ii < r; ii++ {
			copy(dst[(i+ii)*n+j0:(i+ii)*n+n], tile[ii*q.nr:])
		}
	}
}

// sumRowI8 returns the int32 sum of x, 32 bytes at a time in assembly.
func sumRowI8(x []int8) int32 {
	n := len(x) &^ 31
	var s int32
	if n > 0 {
		s = sumI8Avx2(&x[0], n)
	}
	for _, v := range x[n:] {
		s += int32(v)
	}
	return s
}

// pointwiseQ8BiasOnly is the k = 0 GEMM: every row is the requantized bias.
func pointwiseQ8BiasOnly(dst []int8, m, n int, bias []int32, rq *generic.Requant) {
	for j := 0; j < n; j++ {
		var acc int32
		if bias != nil {
			acc = bias[j]
		}
		v := generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
		for i := 0; i < m; i++ {
			dst[i*n+j] = v
		}
	}
}
