package generic

import (
	"encoding/binary"
	"unsafe"
)

// SumQ8 is the sum of x, the row sum the pointwise kernels subtract times
// the weight zero point of legacy uint8 weights:
//
//	var s int32
//	for _, v := range x { s += int32(v) }
//
// It adds eight values at a time in one 64-bit word (SWAR): each byte is
// biased to v+128 (0..255), neighbouring bytes are added into four 16-bit
// lanes, and the lanes are folded into the total before they could carry
// (after sumQ8Words words). The bias, 128 per value, is taken off at the end.
// Exact for every input; the result wraps as the loop's does.
func SumQ8(x []int8) int32 {
	n := len(x) &^ 7
	var total int64
	if n > 0 {
		b := unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), n)
		for len(b) > 0 {
			chunk := b[:min(len(b), 8*sumQ8Words)]
			b = b[len(chunk):]
			var acc uint64 // four 16-bit lanes, each at most sumQ8Words*510
			i := 0
			for ; i+16 <= len(chunk); i += 16 {
				u := binary.LittleEndian.Uint64(chunk[i:]) ^ 0x8080808080808080
				v := binary.LittleEndian.Uint64(chunk[i+8:]) ^ 0x8080808080808080
				acc += u&0x00FF00FF00FF00FF + (u>>8)&0x00FF00FF00FF00FF + v&0x00FF00FF00FF00FF + (v>>8)&0x00FF00FF00FF00FF
			}
			if i < len(chunk) { // one word left
				u := binary.LittleEndian.Uint64(chunk[i:]) ^ 0x8080808080808080
				acc += u&0x00FF00FF00FF00FF + (u>>8)&0x00FF00FF00FF00FF
			}
			acc = acc&0x0000FFFF0000FFFF + (acc>>16)&0x0000FFFF0000FFFF
			total += int64(acc&0xFFFFFFFF + acc>>32)
		}
		total -= 128 * int64(n)
	}
	for _, v := range x[n:] {
		total += int64(v)
	}
	return int32(total)
}

// sumQ8Words is how many 8-byte words SumQ8 adds into its 16-bit lanes
// before folding them: each word adds at most 2*255 = 510 to a lane, and
// 128*510 = 65280 stays below 65536.
const sumQ8Words = 128
