package runtime

import (
	"encoding/binary"
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// PAD with a constant (Keras exports put one before a VALID stride-2
// depthwise conv): the input copied into a larger output whose border
// holds the real value 0, which is 0 for float32 and the zero point for
// uint8/int8 (input and output share their quantization). Tensors of rank
// 1 to 4; split across workers by output rows (generic.Pad).

func init() {
	registerOp(&opDef{
		kind:   tflite.OpPad,
		inputs: []operand{{name: "input"}, {name: "paddings", role: roleConstant}},
		minIn:  2, maxIn: 2, minOut: 1, maxOut: 1,
		layerType: fixedType("pad"),
		validate:  (*opCheck).pad,
		compile:   compilePad,
	})
}

// padAmounts decodes a constant int32 or int64 [rank 2] paddings tensor:
// before and after for each dimension. ok is false when the tensor is not
// such a constant.
func padAmounts(t *tflite.Tensor, rank int) (before, after []int64, ok bool) {
	if t.Data == nil || len(t.Shape) != 2 || t.Shape[0] != rank || t.Shape[1] != 2 {
		return nil, nil, false
	}
	v := make([]int64, 2*rank)
	switch t.Type {
	case tflite.Int32:
		for i := range v {
			v[i] = int64(int32(binary.LittleEndian.Uint32(t.Data[4*i:])))
		}
	case tflite.Int64:
		for i := range v {
			v[i] = int64(binary.LittleEndian.Uint64(t.Data[8*i:]))
		}
	default:
		return nil, nil, false
	}
	before, after = make([]int64, rank), make([]int64, rank)
	for d := range rank {
		before[d], after[d] = v[2*d], v[2*d+1]
	}
	return before, after, true
}

// pad checks PAD: rank 1 to 4, a constant int32/int64 [rank 2] paddings
// tensor of amounts >= 0, the output shape they imply, one type and
// quantization for input and output.
func (c *opCheck) pad() error {
	in := c.in()
	rank := len(in.Shape)
	if rank < 1 || rank > 4 {
		return c.unsupportedf("%s: rank %d (1 to 4 are supported)", c.name("input", c.op.Inputs[0]), rank)
	}
	pi := c.op.Inputs[1]
	before, after, ok := padAmounts(&c.m.Tensors[pi], rank)
	if !ok {
		pt := &c.m.Tensors[pi]
		return c.unsupportedf("%s: paddings must be a constant int32 or int64 [%d 2] tensor (got %v %v, constant %t)", c.name("paddings", pi), rank, pt.Type, pt.Shape, pt.Data != nil)
	}
	want := make([]int, rank)
	for d := range rank {
		if before[d] < 0 || after[d] < 0 || before[d] > tflite.MaxTensorElems || after[d] > tflite.MaxTensorElems {
			return c.errf("%s: dimension %d padded by %d before and %d after, want amounts in [0, %d]", c.name("paddings", pi), d, before[d], after[d], tflite.MaxTensorElems)
		}
		size := int64(in.Shape[d]) + before[d] + after[d]
		if size > tflite.MaxTensorElems {
			return c.errf("%s: dimension %d padded to %d elements", c.name("paddings", pi), d, size)
		}
		want[d] = int(size)
	}
	if err := c.wantOut(want, fmt.Sprintf("input %v padded by %v before and %v after", in.Shape, before, after)); err != nil {
		return err
	}
	if err := c.sameTypes(); err != nil {
		return err
	}
	return c.sameQuant()
}

// compilePad builds PAD as one step over output rows; a shape of lower
// rank is padded to 4 dimensions with leading 1s.
func compilePad(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
	in := &c.m.Tensors[op.Inputs[0]]
	rank := len(in.Shape)
	before, _, ok := padAmounts(&c.m.Tensors[op.Inputs[1]], rank)
	if !ok || rank > 4 {
		return step{}, fmt.Errorf("paddings are not a constant [%d 2] tensor", rank)
	}
	// The shapes as 4 dimensions: leading dimensions of size 1, unpadded.
	p := &generic.PadParams{In: [4]int{1, 1, 1, 1}, Out: [4]int{1, 1, 1, 1}}
	out := c.m.Tensors[op.Outputs[0]].Shape
	for d := range rank {
		k := 4 - rank + d
		p.In[k], p.Before[k], p.Out[k] = in.Shape[d], int(before[d]), out[d]
	}
	rows := p.Rows()
	if in.Type == tflite.Float32 {
		info.Kernel = "pad_f32_generic"
		src, dst := c.f32(op.Inputs[0]), c.f32(op.Outputs[0])
		return step{units: rows, run: func(_, r0, r1 int) { generic.Pad(p, dst, src, 0, r0, r1) }}, nil
	}
	q, err := tensorQParams(c.m, op.Inputs[0])
	if err != nil {
		return step{}, err
	}
	info.Kernel = "pad_q8_generic"
	src, dst, zp := c.i8(op.Inputs[0]), c.i8(op.Outputs[0]), int8(q.zp)
	return step{units: rows, run: func(_, r0, r1 int) { generic.Pad(p, dst, src, zp, r0, r1) }}, nil
}
