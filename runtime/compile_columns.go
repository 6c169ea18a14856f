package runtime

import "github.com/edgecam/edgecam/kernels/generic"

// A pointwise GEMM with a single row (the classifier, a FULLY_CONNECTED or 1x1
// conv on a 1x1 map) cannot be split by rows. Its output row is contiguous,
// so it is split by output channels instead: the weights are packed once per
// chunk of channels and each worker runs the kernel on its chunks. Chunk
// bounds are multiples of columnChunk, a multiple of every kernel's panel
// width, so no chunk but the last has a ragged panel.
const columnChunk = 16

// splitColumns reports whether an m x n pointwise GEMM is split by output
// channels.
func (c *compiler) splitColumns(m, n int) bool {
	return m == 1 && c.threads > 1 && n >= 2*columnChunk
}

// columnBounds splits n channels into at most parts chunks of whole
// columnChunk blocks: chunk i is [b[i], b[i+1]).
func columnBounds(n, parts int) []int {
	blocks := (n + columnChunk - 1) / columnChunk
	parts = max(1, min(parts, blocks))
	b := make([]int, parts+1)
	for i := range b {
		b[i] = min(blocks*i/parts*columnChunk, n)
	}
	return b
}

// columnsF32Step is pointwiseF32Step for one row split by output channels.
func columnsF32Step(pack func(w []float32, n, k int) []float32,
	run func(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32),
	dst, src, w, b []float32, k, n, threads int, lo, hi float32) step {
	bounds := columnBounds(n, threads)
	packs := make([][]float32, len(bounds)-1)
	for i := range packs {
		packs[i] = pack(w[bounds[i]*k:bounds[i+1]*k], bounds[i+1]-bounds[i], k)
	}
	return step{units: len(packs), run: func(_, u0, u1 int) {
		for u := u0; u < u1; u++ {
			j0, j1 := bounds[u], bounds[u+1]
			var bj []float32
			if b != nil {
				bj = b[j0:j1]
			}
			run(dst[j0:j1], src[:k], 1, k, j1-j0, packs[u], bj, lo, hi)
		}
	}}
}

// columnsQ8Step is pointwiseQ8Step for one row split by output channels.
func columnsQ8Step(pack func(w []int8, n, k int) []int8,
	run func(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant),
	dst, src, w []int8, folded []int32, wzp int32, rq *generic.Requant, k, n, threads int) step {
	bounds := columnBounds(n, threads)
	packs := make([][]int8, len(bounds)-1)
	rqs := make([]*generic.Requant, len(packs))
	for i := range packs {
		j0, j1 := bounds[i], bounds[i+1]
		packs[i] = pack(w[j0*k:j1*k], j1-j0, k)
		rqs[i] = &generic.Requant{Scale: rq.Scale[j0:j1], ZeroPoint: rq.ZeroPoint, Min: rq.Min, Max: rq.Max}
	}
	return step{units: len(packs), run: func(_, u0, u1 int) {
		for u := u0; u < u1; u++ {
			j0, j1 := bounds[u], bounds[u+1]
			run(dst[j0:j1], src[:k], 1, k, j1-j0, packs[u], folded[j0:j1], wzp, rqs[u])
		}
	}}
}
