package generic

// CONCATENATION copies its inputs side by side along one axis. Seen from
// that axis, every tensor is outer rows (the product of the dimensions
// before the axis) of contiguous values: an input's row holds n values
// (the product of its dimensions from the axis on), the output's row the
// sum of its inputs' n, and input k's row lands at offset off_k (the sum
// of the n of the inputs before it). The kernels copy one input; the
// runtime calls them once per input.

// ConcatF32 places one float32 input of a concatenation in dst:
//
//	for o := range outer {
//		copy(dst[o*stride+off:o*stride+off+n], src[o*n:(o+1)*n])
//	}
//
// len(src) must be at least outer*n and len(dst) at least
// (outer-1)*stride+off+n; nothing else of dst is written.
func ConcatF32(dst, src []float32, outer, n, stride, off int) {
	for o := range outer {
		copy(dst[o*stride+off:o*stride+off+n], src[o*n:(o+1)*n])
	}
}

// ConcatQ8 is ConcatF32 for int8 values quantized differently from the
// output: each value is mapped through table (indexed by the value's byte,
// table[uint8(q)]), which RequantTableQ8 builds; a nil table copies the
// values (the input is quantized as the output).
//
//	for o := range outer {
//		for i := range n {
//			dst[o*stride+off+i] = table[uint8(src[o*n+i])]
//		}
//	}
func ConcatQ8(dst, src []int8, outer, n, stride, off int, table *[256]int8) {
	for o := range outer {
		d, s := dst[o*stride+off:o*stride+off+n], src[o*n:(o+1)*n]
		if table == nil {
			copy(d, s)
			continue
		}
		for i, q := range s {
			d[i] = table[uint8(q)]
		}
	}
}

// RequantTableQ8 returns the table that takes an int8 value quantized with
// (inScale, inZP) to the quantization (outScale, outZP): dequantized in
// float32, then quantized once (round half away from zero, clamped), as
// the golden engine (Arm NN) converts a concatenation's inputs:
//
//	table[uint8(q)] = QuantizeValue(float32(q-inZP)*inScale, outScale, outZP)
//
// It returns nil when the two quantizations are the same (every value
// maps to itself).
func RequantTableQ8(inScale float32, inZP int32, outScale float32, outZP int32) *[256]int8 {
	if inScale == outScale && inZP == outZP {
		return nil
	}
	t := new([256]int8)
	for q := -128; q < 128; q++ {
		// float32(...) keeps the product rounded on its own (no fused
		// multiply-add into the division), as Arm NN computes it.
		real := float32(float32(int32(q)-inZP) * inScale)
		t[uint8(int8(q))] = QuantizeValue(real, outScale, outZP)
	}
	return t
}
