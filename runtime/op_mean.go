package runtime

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// MEAN over the spatial axes 1 and 2 of an NHWC tensor (the global pool of
// TF2 exports), keep_dims true ([1 1 1 C]) or false ([1 C]): float32, or
// uint8/int8 requantized once from the input's to the output's scale
// (generic.MeanF32, MeanQ8). On one worker: it is tiny in MobileNets.

func init() {
	registerOp(&opDef{
		kind:   tflite.OpMean,
		inputs: []operand{{name: "input"}, {name: "axes", role: roleConstant}},
		minIn:  2, maxIn: 2, minOut: 1, maxOut: 1,
		layerType: fixedType("mean"),
		validate:  (*opCheck).mean,
		compile:   compileMean,
		planBytes: func(m *tflite.Model, op *tflite.Op, _ int) (int64, int64) {
			return 4 * int64(m.Tensors[op.Outputs[0]].Elems()), 0 // the int32 sums
		},
	})
}

// maxMeanPositions bounds H*W so that generic.MeanQ8's int32 sum of
// (x - zero point) terms cannot overflow.
const maxMeanPositions = 1 << 23

// mean checks MEAN: a [1 H W C] input, constant int32 axes naming exactly
// the dimensions 1 and 2 (negative axes count from the end), the output
// shape keep_dims implies, one type, per-tensor quantization.
func (c *opCheck) mean() error {
	if err := c.rank4("input", c.op.Inputs[0]); err != nil {
		return err
	}
	ai := c.op.Inputs[1]
	at := &c.m.Tensors[ai]
	if at.Data == nil || at.Type != tflite.Int32 || len(at.Shape) > 1 {
		return c.unsupportedf("%s: axes must be a constant int32 vector (got %v %v, constant %t)", c.name("axes", ai), at.Type, at.Shape, at.Data != nil)
	}
	axes := make([]int, len(at.Data)/4)
	for i := range axes {
		a := int(int32(binary.LittleEndian.Uint32(at.Data[4*i:])))
		if a < -4 || a > 3 {
			return c.errf("%s: axis %d out of range for a 4-dimensional input", c.name("axes", ai), a)
		}
		axes[i] = (a + 4) % 4
	}
	slices.Sort(axes)
	if axes = slices.Compact(axes); !slices.Equal(axes, []int{1, 2}) {
		return c.unsupportedf("%s: reduces dimensions %v (only the spatial dimensions 1 and 2 are supported)", c.name("axes", ai), axes)
	}
	in := c.in().Shape
	if in[1]*in[2] > maxMeanPositions {
		return c.unsupportedf("%s: %dx%d positions, more than %d", c.name("input", c.op.Inputs[0]), in[1], in[2], maxMeanPositions)
	}
	want, how := []int{1, in[3]}, "mean over H and W"
	if c.op.KeepDims {
		want, how = []int{1, 1, 1, in[3]}, "mean over H and W, keep_dims"
	}
	if err := c.wantOut(want, how); err != nil {
		return err
	}
	return c.sameTypes()
}

// compileMean builds MEAN as one serial step.
func compileMean(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
	h, w, ch, err := nhwc(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	if out := &c.m.Tensors[op.Outputs[0]]; out.Elems() != ch {
		return step{}, fmt.Errorf("output %v does not hold %d channels", out.Shape, ch)
	}
	hw := h * w
	quant, err := c.quantized(op)
	if err != nil {
		return step{}, err
	}
	if !quant {
		info.Kernel = "mean_f32_generic"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return step{units: 1, serial: true, run: func(int, int, int) { generic.MeanF32(dst, src, hw, ch) }}, nil
	}
	inq, outq, err := opQParams(c.m, op)
	if err != nil {
		return step{}, err
	}
	info.Kernel = "mean_q8_generic"
	mult := generic.MeanQ8Multiplier(inq.scale, outq.scale, hw)
	offset := storedOffset(c.m.Tensors[op.Inputs[0]].Type) // XNNPACK sums the stored values
	src, dst, sums := c.i8(op.Inputs[0]), c.i8(op.Outputs[0]), make([]int32, ch)
	return step{units: 1, serial: true, run: func(int, int, int) {
		generic.MeanQ8(dst, src, hw, ch, offset, inq.zp, mult, outq.zp, sums)
	}}, nil
}
