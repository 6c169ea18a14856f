package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// AVERAGE_POOL_2D: the mean of the in-bounds taps (generic.AvgPoolF32;
// quantized: generic.AvgPoolQ8Same, TFLite's integer average, when input
// and output share their quantization, as converters write them, else
// AvgPoolQ8, rescaled in float32), on one worker (it is tiny in MobileNets).

func init() {
	registerOp(&opDef{
		kind:   tflite.OpAveragePool2D,
		inputs: []operand{{name: "input"}},
		minIn:  1, maxIn: 1, minOut: 1, maxOut: 1,
		layerType: fixedType("pool"),
		validate:  (*opCheck).pool,
		compile:   (*compiler).buildAvgPool,
	})
}

// pool checks AVERAGE_POOL_2D: stride, padding and filter options, a
// [1 H W C] input and the output size they imply, one type.
func (c *opCheck) pool() error {
	op := c.op
	if err := c.spatial(); err != nil {
		return err
	}
	if op.FilterH < 1 || op.FilterW < 1 || op.FilterH > 1<<16 || op.FilterW > 1<<16 {
		return c.errf("filter %dx%d, want 1 to 65536", op.FilterH, op.FilterW)
	}
	if err := c.rank4("input", op.Inputs[0]); err != nil {
		return err
	}
	if err := c.rank4("output", op.Outputs[0]); err != nil {
		return err
	}
	in := c.in().Shape
	oh, ow := convOutHW(op.Padding, in[1], op.FilterH, op.StrideH), convOutHW(op.Padding, in[2], op.FilterW, op.StrideW)
	if oh == 0 || ow == 0 {
		return c.errf("%dx%d filter does not fit the %dx%d input with VALID padding", op.FilterH, op.FilterW, in[1], in[2])
	}
	how := fmt.Sprintf("%s padding, %dx%d filter, stride %dx%d", padName(op.Padding), op.FilterH, op.FilterW, op.StrideH, op.StrideW)
	if err := c.wantOut([]int{in[0], oh, ow, in[3]}, how); err != nil {
		return err
	}
	return c.sameTypes()
}

// buildAvgPool compiles AVERAGE_POOL_2D; it runs on one worker (it is tiny).
func (c *compiler) buildAvgPool(op *tflite.Op, info *LayerInfo) (step, error) {
	p, err := geometry(c.m, op, op.FilterH, op.FilterW)
	if err != nil {
		return step{}, err
	}
	if p.InC != p.OutC {
		return step{}, fmt.Errorf("pool changes channels %d -> %d", p.InC, p.OutC)
	}
	info.Stride = op.StrideH
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
	src, dst := c.i8(op.Inputs[0]), c.i8(op.Outputs[0])
	if inq == outq {
		// TFLite's integer average of the stored values (what LiteRT
		// runs): uint8 values are the int8 ones plus 128.
		offset := storedOffset(c.m.Tensors[op.Inputs[0]].Type)
		return step{units: 1, serial: true, run: func(int, int, int) {
			generic.AvgPoolQ8Same(p, dst, src, offset, lo, hi)
		}}, nil
	}
	scale := float32(float64(inq.scale) / float64(outq.scale))
	return step{units: 1, serial: true, run: func(int, int, int) {
		generic.AvgPoolQ8(p, dst, src, inq.zp, scale, outq.zp, lo, hi)
	}}, nil
}
