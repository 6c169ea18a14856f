package runtime

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// DefaultMaxMemory is the memory budget of a plan when Options.MaxMemory is
// 0. It leaves most of a 1 GB Raspberry Pi 3 to the system, the model file
// and the camera, and is several times what MobileNet-V1 1.0/224 needs
// (about 40 MiB in float32, 10 MiB in int8; the paper's 29 M-parameter
// float Conv MobileNet, about 250 MiB, still fits).
const DefaultMaxMemory = 256 << 20

// ErrMemoryBudget is wrapped by the error of Compile for a model whose plan
// would need more memory than its budget (Options.MaxMemory).
var ErrMemoryBudget = errors.New("over the memory budget")

// planMemory is what Compile allocates for a plan, in bytes by purpose,
// computed from the declared shapes before any of it is allocated. Each part
// is an upper bound that holds whichever kernels are chosen; what Compile
// allocates besides (layer descriptions, closures, lookup tables) is small
// and does not grow with the shapes.
type planMemory struct {
	folded  int64 // float32 copies of the constants behind DEQUANTIZE ops
	arena   int64 // the activation arena
	weights int64 // decoded weights, packed copies (per column chunk when split), per-channel parameters
	scratch int64 // per-worker im2col patch matrices
	io      int64 // the OutputRaw and LogitsRaw buffers
}

func (u *planMemory) total() int64 { return u.folded + u.arena + u.weights + u.scratch + u.io }

// memoryBudget is the budget of opt: MaxMemory, DefaultMaxMemory for 0, at
// most what an int can address.
func memoryBudget(opt Options) (int64, error) {
	switch {
	case opt.MaxMemory < 0:
		return 0, fmt.Errorf("memory budget %d bytes is negative", opt.MaxMemory)
	case opt.MaxMemory == 0:
		return DefaultMaxMemory, nil
	}
	return min(opt.MaxMemory, math.MaxInt), nil
}

// foldedBytes is the size of the float32 constants foldConstants will make.
// m is valid.
func foldedBytes(m *tflite.Model) int64 {
	var n int64
	for i := range m.Ops {
		op := &m.Ops[i]
		if in := &m.Tensors[op.Inputs[0]]; op.Kind == tflite.OpDequantize && in.Data != nil {
			n += 4 * int64(in.Elems())
		}
	}
	return n
}

// panelSlack bounds how much a kernel's packing pads a weight matrix in each
// dimension: panels of at most columnChunk output channels, reductions
// padded to at most 16.
const panelSlack = 16

// stepBytes adds what the steps of the folded, valid model m will allocate
// with threads workers: each op's planBytes (op table).
func (u *planMemory) stepBytes(m *tflite.Model, threads int) {
	for i := range m.Ops {
		op := &m.Ops[i]
		if d := lookupOp(op); d != nil && d.planBytes != nil {
			w, s := d.planBytes(m, op, threads)
			u.weights += w
			u.scratch += s
		}
	}
}

// weightedPlanBytes is the planBytes of the ops with weights (CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED): decoded weights, per-channel
// parameters, packed panels, int16 copies and im2col scratch.
func weightedPlanBytes(m *tflite.Model, op *tflite.Op, threads int) (weights, scratch int64) {
	t := int64(threads)
	w := &m.Tensors[op.Inputs[1]]
	elems := int64(w.Elems())
	n := int64(w.Shape[0]) // output channels: [OutC KH KW InC], [N K]
	if op.Kind == tflite.OpDepthwiseConv2D {
		n = int64(w.Shape[3]) // [1 KH KW C]
	}
	k := elems / n
	quant := w.Type != tflite.Float32
	elem := int64(4)
	if quant {
		elem = 1
	}
	// The decoded weights, and per channel the bias, the requantization
	// scale, the zero point and the folded bias.
	weights += elem*elems + 16*n
	pointwise := op.Kind == tflite.OpFullyConnected ||
		(op.Kind == tflite.OpConv2D && w.Shape[1] == 1 && w.Shape[2] == 1 && op.StrideH == 1 && op.StrideW == 1)
	full := op.Kind == tflite.OpConv2D && !pointwise
	if pointwise || full {
		// Packed panels; a single-row GEMM split by output channels packs
		// one copy per chunk, each padded.
		weights += elem * (n + t*panelSlack) * (k + panelSlack)
	}
	if quant && !pointwise {
		weights += 2 * elems // int16 weights minus their zero point
	}
	if full {
		// A full conv without a specialised kernel runs as im2col: each
		// worker holds OutW patches of KH*KW*InC = k values.
		outW := int64(m.Tensors[op.Outputs[0]].Shape[2])
		scratch += t * outW * k * elem
	}
	return weights, scratch
}

// ioBytes adds the conversion buffers of the outputs and of the extra
// tensors read raw (the logits, the detection inputs; -1 entries are
// skipped).
func (u *planMemory) ioBytes(m *tflite.Model, extra ...int) {
	for _, ti := range append(slices.Clone(m.Outputs), extra...) {
		if ti >= 0 {
			t := &m.Tensors[ti]
			u.io += int64(t.Type.Size()) * int64(t.Elems())
		}
	}
}

// check returns an error wrapping ErrMemoryBudget when u exceeds budget,
// naming the sizes, the budget and the largest activation tensor of m.
func (u *planMemory) check(m *tflite.Model, budget int64) error {
	if u.total() <= budget {
		return nil
	}
	var parts []string
	for _, p := range []struct {
		what  string
		bytes int64
	}{
		{"activation arena", u.arena}, {"weights", u.weights}, {"folded constants", u.folded},
		{"im2col scratch", u.scratch}, {"output buffers", u.io},
	} {
		if p.bytes > 0 {
			parts = append(parts, p.what+" "+byteSize(p.bytes))
		}
	}
	msg := fmt.Sprintf("the plan needs %d bytes (%s: %s), the budget is %d bytes (%s; Options.MaxMemory, 0 for DefaultMaxMemory)",
		u.total(), byteSize(u.total()), strings.Join(parts, ", "), budget, byteSize(budget))
	largest, bytes := -1, int64(0)
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if b := int64(t.Type.Size()) * int64(t.Elems()); t.Data == nil && b > bytes {
			largest, bytes = i, b
		}
	}
	if largest >= 0 {
		t := &m.Tensors[largest]
		msg += fmt.Sprintf("; the largest tensor is %d %q %v %v, %s", largest, t.Name, t.Shape, t.Type, byteSize(bytes))
	}
	return fmt.Errorf("%w: %s", ErrMemoryBudget, msg)
}

// byteSize formats n bytes for messages: "309.0 MiB", "624 bytes".
func byteSize(n int64) string {
	const unit = 1 << 10
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}
