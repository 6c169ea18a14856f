package generic

// Global average pooling (one output whose window is the whole input, no
// padding: MobileNet's 7x7 head) by row sums, as MeanQ8 sums: the pixels'
// channel vectors are added into per-channel accumulators (float32: four
// pixels at a time; int8: eight channels per 64-bit word, SWAR), instead of
// the general loops' window walk per output channel. The sums are the same integers (int32, wrapping
// alike) and, for float32, the same additions in the same order (pixel 0,
// 1, 2, ... from 0), so the results are bit-identical to the general loops.

// poolBlock is the number of channels whose accumulators one pass over the
// pixels keeps (on the stack).
const poolBlock = 64

// globalPool reports whether p is a global pool: a single output whose
// window covers the whole input without padding.
func globalPool(p *ConvParams) bool {
	return p.OutH == 1 && p.OutW == 1 && p.PadTop == 0 && p.PadLeft == 0 &&
		p.KH == p.InH && p.KW == p.InW && p.InH > 0 && p.InW > 0
}

// sumPixelsQ8 adds, for each channel c0+i (i < len(acc)), the hw pixels'
// values of src (hw pixels of C channels) to acc[i] (int32, wrapping): eight
// channels at a time by sumPixels8, the rest by plain sums.
func sumPixelsQ8(acc []int32, src []int8, hw, C, c0 int) {
	g := len(acc) &^ 7
	for i := 0; i < g; i += 8 {
		sumPixels8(acc[i:i+8], src, hw, C, c0+i)
	}
	if g == len(acc) {
		return
	}
	acc = acc[g:]
	c0 += g
	n := len(acc)
	p := 0
	for ; p+4 <= hw; p += 4 {
		q := p*C + c0
		r0 := src[q:][:n]
		r1 := src[q+C:][:n]
		r2 := src[q+2*C:][:n]
		r3 := src[q+3*C:][:n]
		for i := range acc {
			acc[i] += int32(r0[i]) + int32(r1[i]) + int32(r2[i]) + int32(r3[i])
		}
	}
	for ; p < hw; p++ {
		r := src[p*C+c0:][:n]
		for i := range acc {
			acc[i] += int32(r[i])
		}
	}
}

const (
	evenBytes  = 0x00ff00ff00ff00ff // bytes 0, 2, 4, 6 of a word, as 16-bit lanes
	flipBytes  = 0x8080808080808080 // XOR: int8 x to the byte x+128 in [0, 255]
	swarPixels = 256                // 256*255 < 2^16: a 16-bit lane's sum cannot carry
)

// sumPixels8 adds to acc[0:8] the hw pixels' channels c..c+7 of src (SWAR):
// each pixel's 8 bytes are read as one little-endian word, biased to x+128
// (XOR 0x80 per byte) and split into the even and the odd channels' bytes,
// four 16-bit lanes each, which sum up to 256 pixels without carrying into
// each other; each pass then adds lane - 128*pixels, the exact sum of x.
func sumPixels8(acc []int32, src []int8, hw, C, c int) {
	acc = acc[:8]
	for p0 := 0; p0 < hw; p0 += swarPixels {
		p1 := min(p0+swarPixels, hw)
		var even, odd uint64
		for q := p0*C + c; q < p1*C+c; q += C {
			w := load8(src[q:]) ^ flipBytes
			even += w & evenBytes
			odd += w >> 8 & evenBytes
		}
		bias := 128 * int32(p1-p0)
		for j := range 4 {
			acc[2*j] += int32(even>>(16*j)&0xffff) - bias
			acc[2*j+1] += int32(odd>>(16*j)&0xffff) - bias
		}
	}
}

// load8 returns s[0:8] as the bytes of a little-endian word (one load).
func load8(s []int8) uint64 {
	s = s[:8]
	return uint64(uint8(s[0])) | uint64(uint8(s[1]))<<8 | uint64(uint8(s[2]))<<16 | uint64(uint8(s[3]))<<24 |
		uint64(uint8(s[4]))<<32 | uint64(uint8(s[5]))<<40 | uint64(uint8(s[6]))<<48 | uint64(uint8(s[7]))<<56
}

// sumPixelsF32 is sumPixelsQ8 in float32: acc[i] gains the pixels one at a
// time, in pixel order, rounding after each addition.
func sumPixelsF32(acc []float32, src []float32, hw, C, c0 int) {
	n := len(acc)
	p := 0
	for ; p+4 <= hw; p += 4 {
		q := p*C + c0
		r0 := src[q:][:n]
		r1 := src[q+C:][:n]
		r2 := src[q+2*C:][:n]
		r3 := src[q+3*C:][:n]
		for i := range acc {
			acc[i] = acc[i] + r0[i] + r1[i] + r2[i] + r3[i]
		}
	}
	for ; p < hw; p++ {
		r := src[p*C+c0:][:n]
		for i := range acc {
			acc[i] += r[i]
		}
	}
}

// avgPoolF32Global is AvgPoolF32 for a global pool.
func avgPoolF32Global(p *ConvParams, dst, src []float32, lo, hi float32) {
	C, hw := p.OutC, p.InH*p.InW
	count := float32(hw)
	var buf [poolBlock]float32
	for c0 := 0; c0 < C; c0 += poolBlock {
		acc := buf[:min(poolBlock, C-c0)]
		clear(acc)
		sumPixelsF32(acc, src, hw, C, c0)
		out := dst[c0 : c0+len(acc)]
		for i, sum := range acc {
			out[i] = clampF32(sum/count, lo, hi)
		}
	}
}

// avgPoolQ8Global is AvgPoolQ8 for a global pool: the sum of x - xzp is the
// sum of x minus count*xzp (modulo 2^32 both).
func avgPoolQ8Global(p *ConvParams, dst, src []int8, xzp int32, scale float32, ozp, lo, hi int32) {
	C, hw := p.OutC, p.InH*p.InW
	count := int32(hw)
	var buf [poolBlock]int32
	for c0 := 0; c0 < C; c0 += poolBlock {
		acc := buf[:min(poolBlock, C-c0)]
		clear(acc)
		sumPixelsQ8(acc, src, hw, C, c0)
		out := dst[c0 : c0+len(acc)]
		for i, s := range acc {
			out[i] = avgQ8(s-count*xzp, count, scale, ozp, lo, hi)
		}
	}
}

// avgPoolQ8SameGlobal is AvgPoolQ8Same for a global pool: the sum of
// x + offset is the sum of x plus count*offset.
func avgPoolQ8SameGlobal(p *ConvParams, dst, src []int8, offset, lo, hi int32) {
	C, hw := p.OutC, p.InH*p.InW
	count := int32(hw)
	var buf [poolBlock]int32
	for c0 := 0; c0 < C; c0 += poolBlock {
		acc := buf[:min(poolBlock, C-c0)]
		clear(acc)
		sumPixelsQ8(acc, src, hw, C, c0)
		out := dst[c0 : c0+len(acc)]
		for i, s := range acc {
			out[i] = avgQ8Same(s+count*offset, count, offset, lo, hi)
		}
	}
}
