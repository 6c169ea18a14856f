package kernels

import "github.com/edgecam/edgecam/kernels/generic"

// PointwiseLayer describes a pointwise layer (a 1x1 convolution or a fully
// connected layer, as a GEMM) to an implementation's Supports.
type PointwiseLayer struct {
	K, N    int              // input and output channels; the runtime splits the rows
	Requant *generic.Requant // int8: the output requantization; nil for float32
}

// PointwiseF32 is a 1x1 convolution as a GEMM (spec: generic.PointwiseF32):
//
//	dst[i*n+j] = clamp(bias[j] + sum_k src[i*k+kk] * w[j*k+kk], lo, hi)  for i < m, j < n
//
// with w packed once, at plan time, by Pack.
type PointwiseF32 struct {
	Kernel[PointwiseLayer]
	TileM int // rows per micro-kernel tile: the runtime splits m in multiples of it
	Pack  func(w []float32, n, k int) []float32
	Run   func(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32)
}

// PointwiseQ8 is the int8 GEMM of a 1x1 convolution (spec:
// generic.PointwiseQ8):
//
//	acc = bias[j] + sum_k src[i*k+kk]*w[j*k+kk] - wzp*sum_k src[i*k+kk]
//	dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
//
// bias already has the input zero point folded in
// (generic.FoldPointwiseBiasQ8).
type PointwiseQ8 struct {
	Kernel[PointwiseLayer]
	TileM int
	Pack  func(w []int8, n, k int) []int8
	Run   func(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant)
}
