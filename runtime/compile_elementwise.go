package runtime

// elementChunk is the number of elements one work unit of an elementwise step
// (QUANTIZE, DEQUANTIZE, ADD, RELU) converts.
const elementChunk = 4096

// elementwiseStep is a step over n elements in chunks of elementChunk that
// workers split between them: f computes elements [i0, i1).
func elementwiseStep(n int, f func(i0, i1 int)) step {
	return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
		f(u0*elementChunk, min(u1*elementChunk, n))
	}}
}
