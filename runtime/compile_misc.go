package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// elementChunk is the number of elements one work unit of an elementwise step
// (QUANTIZE, DEQUANTIZE) converts.
const elementChunk = 4096

// buildAvgPool compiles AVERAGE_POOL_2D; it runs on one worker (it is tiny).
func (c *compiler) buildAvgPool(op *tflite.Op, info *LayerInfo) (step, error) {
	p, err := geometry(c.m, op, op.FilterH, op.FilterW)
	if err != nil {
		return step{}, err
	}
	if p.InC != p.OutC {
		return step{}, fmt.Errorf("pool changes channels %d -> %d", p.InC, p.OutC)
	}
	info.Type, info.Stride = "pool", op.StrideH
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !quant {
		lo, hi, err := floatClamp(op.Activation)
		if err != nil {
			return step{}, err
		}
		info.Kernel = "avgpool_f32_generic"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return step{units: 1, serial: true, run: func(int, int, int) { generic.AvgPoolF32(p, dst, src, lo, hi) }}, nil
	}
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	lo, hi, err := quantClamp(op.Activation, outq)
	if err != nil {
		return step{}, err
	}
	info.Kernel = "avgpool_q8_generic"
	scale := float32(float64(inq.scale) / float64(outq.scale))
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	return step{units: 1, serial: true, run: func(int, int, int) {
		generic.AvgPoolQ8(p, dst, src, inq.zp, scale, outq.zp, lo, hi)
	}}, nil
}

// buildSoftmax compiles SOFTMAX over the last dimension, row by row.
func (c *compiler) buildSoftmax(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if len(in.Shape) == 0 || in.Elems() != out.Elems() || in.Elems() == 0 {
		return step{}, fmt.Errorf("input %v and output %v do not match", in.Shape, out.Shape)
	}
	n := in.Shape[len(in.Shape)-1]
	rows := in.Elems() / n
	beta := op.Beta
	if beta == 0 {
		beta = 1 // the flatbuffer default; converters always write 1
	}
	info.Type = "softmax"
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !quant {
		info.Kernel = "softmax_f32_generic"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return step{units: 1, serial: true, run: func(int, int, int) {
			for r := range rows {
				generic.SoftmaxF32(dst[r*n:(r+1)*n], src[r*n:(r+1)*n], beta)
			}
		}}, nil
	}
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	// Dequantize, float softmax, quantize once (allocation-free).
	info.Kernel = "softmax_q8_generic"
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	return step{units: 1, serial: true, run: func(int, int, int) {
		for r := range rows {
			generic.SoftmaxQ8(dst[r*n:(r+1)*n], src[r*n:(r+1)*n], inq.scale, inq.zp, beta, outq.scale, outq.zp)
		}
	}}, nil
}

// buildQuantize compiles QUANTIZE: float32 to quantized (x/s rounded half
// away from zero, plus the zero point), or quantized to quantized through a
// 256-entry table (dequantize, requantize once).
func (c *compiler) buildQuantize(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() {
		return step{}, fmt.Errorf("input %v and output %v differ in size", in.Shape, out.Shape)
	}
	info.Type = "quantize"
	outq, err := tensorQParams(c.m, op.Outputs[0])
	if err != nil {
		return step{}, err
	}
	n := out.Elems()
	dst := c.i8(op.Outputs[0])
	if in.Type == tflite.Float32 {
		info.Kernel = "quantize_f32_q8"
		src, s := c.f32(op.Inputs[0]), outq.scale
		return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
			for i := u0 * elementChunk; i < min(u1*elementChunk, n); i++ {
				dst[i] = generic.QuantizeValue(src[i], s, outq.zp)
			}
		}}, nil
	}
	inq, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	info.Kernel = "requantize_q8"
	var lut [256]int8
	for q := -128; q < 128; q++ {
		real := float32(int32(q)-inq.zp) * inq.scale
		lut[q+128] = generic.QuantizeValue(real, outq.scale, outq.zp)
	}
	src := c.i8(op.Inputs[0])
	return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
		for i := u0 * elementChunk; i < min(u1*elementChunk, n); i++ {
			dst[i] = lut[int(src[i])+128]
		}
	}}, nil
}

// buildDequantize compiles DEQUANTIZE of a quantized tensor to float32.
func (c *compiler) buildDequantize(op *tflite.Op, info *LayerInfo) (step, error) {
	in, out := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Outputs[0]]
	if in.Elems() != out.Elems() || out.Type != tflite.Float32 {
		return step{}, fmt.Errorf("cannot dequantize %s %v to %s %v", in.Type, in.Shape, out.Type, out.Shape)
	}
	if in.Data != nil {
		return step{}, fmt.Errorf("dequantizing constant tensors is not supported")
	}
	inq, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	info.Type, info.Kernel = "dequantize", "dequantize_q8_f32"
	var lut [256]float32
	for q := -128; q < 128; q++ {
		lut[q+128] = float32(int32(q)-inq.zp) * inq.scale
	}
	n := out.Elems()
	src, dst := c.i8(op.Inputs[0]), c.f32(op.Outputs[0])
	return step{units: tiles(n, elementChunk), run: func(_, u0, u1 int) {
		for i := u0 * elementChunk; i < min(u1*elementChunk, n); i++ {
			dst[i] = lut[int(src[i])+128]
		}
	}}, nil
}
