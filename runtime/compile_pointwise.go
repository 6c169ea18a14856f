package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// biasInput is the bias tensor of a conv or fully connected op, or -1.
func biasInput(op *tflite.Op) int {
	if len(op.Inputs) > 2 {
		return op.Inputs[2]
	}
	return -1
}

// params counts the weight and bias elements (bias may be -1).
func params(m *tflite.Model, weights, bias int) int64 {
	n := int64(m.Tensors[weights].Elems())
	if bias >= 0 {
		n += int64(m.Tensors[bias].Elems())
	}
	return n
}

// tiles is the number of row tiles of height tile covering m rows.
func tiles(m, tile int) int { return (m + tile - 1) / tile }

func (c *compiler) pointwiseF32Step(op *tflite.Op, info *LayerInfo, bias, m, k, n int) (step, error) {
	w, err := constFloat32s(c.m, op.Inputs[1], n*k)
	if err != nil {
		return step{}, err
	}
	var b []float32
	if bias >= 0 {
		if b, err = constFloat32s(c.m, bias, n); err != nil {
			return step{}, fmt.Errorf("bias: %w", err)
		}
	}
	lo, hi, err := floatClamp(op.Activation)
	if err != nil {
		return step{}, err
	}
	impl, err := kernels.Select(kernels.All().PointwiseF32, c.level, &kernels.PointwiseLayer{K: k, N: n})
	if err != nil {
		return step{}, err
	}
	info.Kernel = impl.Name
	src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
	if c.splitColumns(m, n) {
		return columnsF32Step(impl.Pack, impl.Run, dst, src, w, b, k, n, c.threads, lo, hi), nil
	}
	packed := impl.Pack(w, n, k)
	tile, run := max(impl.TileM, 1), impl.Run
	return step{units: tiles(m, tile), run: func(_, t0, t1 int) {
		r0, r1 := t0*tile, min(t1*tile, m)
		run(dst[r0*n:r1*n], src[r0*k:r1*k], r1-r0, k, n, packed, b, lo, hi)
	}}, nil
}

func (c *compiler) pointwiseQ8Step(op *tflite.Op, info *LayerInfo, bias, m, k, n int) (step, error) {
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	wq, err := quantWeights(c.m, op.Inputs[1], n, 0)
	if err != nil {
		return step{}, err
	}
	if len(wq.values) != n*k {
		return step{}, fmt.Errorf("weights hold %d values, want %d", len(wq.values), n*k)
	}
	wzp := wq.zp[0]
	for _, z := range wq.zp {
		if z != wzp {
			return step{}, fmt.Errorf("per-channel weight zero points must be equal (got %d and %d)", wzp, z)
		}
	}
	var b []int32
	if bias >= 0 {
		if b, err = constInt32s(c.m, bias, n); err != nil {
			return step{}, fmt.Errorf("bias: %w", err)
		}
	}
	rq, err := newRequant(op.Activation, inq, outq, wq)
	if err != nil {
		return step{}, err
	}
	folded := generic.FoldPointwiseBiasQ8(b, wq.values, n, k, inq.zp, wzp)
	impl, err := kernels.Select(kernels.All().PointwiseQ8, c.level, &kernels.PointwiseLayer{K: k, N: n, Requant: rq})
	if err != nil {
		return step{}, err
	}
	info.Kernel = impl.Name
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	if c.splitColumns(m, n) {
		return columnsQ8Step(impl.Pack, impl.Run, dst, src, wq.values, folded, wzp, rq, k, n, c.threads), nil
	}
	packed := impl.Pack(wq.values, n, k)
	tile, run := max(impl.TileM, 1), impl.Run
	return step{units: tiles(m, tile), run: func(_, t0, t1 int) {
		r0, r1 := t0*tile, min(t1*tile, m)
		run(dst[r0*n:r1*n], src[r0*k:r1*k], r1-r0, k, n, packed, folded, wzp, rq)
	}}, nil
}
