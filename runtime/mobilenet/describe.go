package mobilenet

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// LayerStat is one operator's cost.
//
// Counting convention (the one that reproduces the MobileNet paper's Table
// 1/6/7 numbers, see MOBILENET.md, and TF-slim's MobileNet-V2 table; see the
// describe tests):
//
//   - MACs are the multiply-accumulates of CONV_2D (OH*OW*OC*KH*KW*IC),
//     DEPTHWISE_CONV_2D (OH*OW*C*KH*KW) and FULLY_CONNECTED (rows*N*K).
//     Bias additions, fused activations, AVERAGE_POOL_2D and MEAN (additions
//     and one scale per channel, no multiply-accumulate), ADD (one addition
//     per element: MobileNet-V2's residuals, not multiply-adds), PAD, the
//     standalone RELUs, SOFTMAX, RESHAPE/SQUEEZE, (DE)QUANTIZE,
//     CONCATENATION, LOGISTIC and the detection post-process count 0.
//   - Params are the elements of the constant weight and bias tensors an op
//     owns (the RESHAPE shape, MEAN axes and PAD paddings inputs are not
//     parameters), and the anchors of the detection post-process.
//   - The paper counts a 1000-class classifier and no biases (its network has
//     batch norm, whose parameters it does not count). So the paper's numbers
//     come from Build with Classes: 1000 and NoBias: true; with those
//     the totals are within 0.01% of every MACs entry of MOBILENET.md and round
//     to its two-decimal parameter counts. The TFLite files (1001 classes,
//     folded batch norm as int32/float biases) count a little more.
type LayerStat struct {
	Index  int    // op index in the model
	Op     string // TFLite op name, e.g. "DEPTHWISE_CONV_2D"
	Type   string // "conv", "dwconv", "pwconv", "pool", "fc", "softmax", "reshape", "quantize", "dequantize", "add", "mean", "pad", "relu"
	Stride int    // spatial ops; 0 for the others
	In     []int  // first input's shape
	Out    []int  // output shape
	MACs   int64  // multiply-accumulates
	Params int64  // weights + biases
}

// LayerType is the report type of op ("conv", "dwconv", "pwconv", "pool",
// "fc", "softmax", "reshape", "quantize", "dequantize", "add", "mean",
// "pad", "relu", "concat", "logistic", "postprocess" for SSD's
// TFLite_Detection_PostProcess; "unknown" for others); a CONV_2D is "pwconv"
// when its filter is 1x1 with stride 1. It names layers as the runtime's op
// table does (runtime.LayerInfo.Type). op's operands must be in range, as
// Describe checks.
func LayerType(m *tflite.Model, op *tflite.Op) string {
	switch op.Kind {
	case tflite.OpConv2D:
		w := m.Tensors[op.Inputs[1]].Shape
		if w[1] == 1 && w[2] == 1 && op.StrideH == 1 && op.StrideW == 1 {
			return "pwconv"
		}
		return "conv"
	case tflite.OpDepthwiseConv2D:
		return "dwconv"
	case tflite.OpAveragePool2D:
		return "pool"
	case tflite.OpFullyConnected:
		return "fc"
	case tflite.OpSoftmax:
		return "softmax"
	case tflite.OpReshape, tflite.OpSqueeze:
		return "reshape"
	case tflite.OpQuantize:
		return "quantize"
	case tflite.OpDequantize:
		return "dequantize"
	case tflite.OpAdd:
		return "add"
	case tflite.OpMean:
		return "mean"
	case tflite.OpPad:
		return "pad"
	case tflite.OpRelu, tflite.OpRelu6, tflite.OpReluN1To1:
		return "relu"
	case tflite.OpConcatenation:
		return "concat"
	case tflite.OpLogistic:
		return "logistic"
	case tflite.OpCustom:
		if op.Custom == detectionPostProcess {
			return "postprocess"
		}
		return "custom"
	}
	return "unknown"
}

// detectionPostProcess is the custom op that ends SSD detectors; its
// constant anchors count as its parameters.
const detectionPostProcess = "TFLite_Detection_PostProcess"

// Describe returns the cost of each operator of m in order. m should be a
// model the runtime accepts (runtime.Load, runtime.Parse and Build return
// such models); Describe itself checks only the file structure (m.Check) and
// the operands it reads, so that no model can make it panic, and returns an
// error naming the op when one is missing or misshapen.
func Describe(m *tflite.Model) ([]LayerStat, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	stats := make([]LayerStat, len(m.Ops))
	for i := range m.Ops {
		op := &m.Ops[i]
		if err := describable(m, op); err != nil {
			return nil, fmt.Errorf("describe: %w: op %d (%s): %w", tflite.ErrInvalidModel, i, op.Name(), err)
		}
		in, out := m.Tensors[op.Inputs[0]].Shape, m.Tensors[op.Outputs[0]].Shape
		s := LayerStat{Index: i, Op: op.Name(), Type: LayerType(m, op), In: slices.Clone(in), Out: slices.Clone(out)}
		if op.Kind == tflite.OpCustom && op.Custom == detectionPostProcess && len(op.Inputs) == 3 && op.Inputs[2] >= 0 {
			s.Params = int64(m.Tensors[op.Inputs[2]].Elems()) // the anchors
		}
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
			w := &m.Tensors[op.Inputs[1]]
			s.Params = int64(w.Elems())
			if len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
				s.Params += int64(m.Tensors[op.Inputs[2]].Elems())
			}
			outElems := int64(m.Tensors[op.Outputs[0]].Elems())
			switch op.Kind {
			case tflite.OpConv2D: // every output element: KH*KW*IC
				s.MACs = outElems * int64(w.Shape[1]*w.Shape[2]*w.Shape[3])
			case tflite.OpDepthwiseConv2D: // every output element: KH*KW
				s.MACs = outElems * int64(w.Shape[1]*w.Shape[2])
			case tflite.OpFullyConnected: // every output element: K
				s.MACs = outElems * int64(w.Shape[1])
			}
		}
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpAveragePool2D:
			s.Stride = op.StrideH
		}
		stats[i] = s
	}
	return stats, nil
}

// describable checks the operands Describe and LayerType read: a data input
// and an output, and for weighted operators a filter of the right rank.
// Indices are in range or -1 (m passed Check).
func describable(m *tflite.Model, op *tflite.Op) error {
	if len(op.Inputs) == 0 || op.Inputs[0] < 0 || len(op.Outputs) == 0 {
		return fmt.Errorf("has no input or no output")
	}
	rank := 0
	switch op.Kind {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D:
		rank = 4
	case tflite.OpFullyConnected:
		rank = 2
	default:
		return nil
	}
	if len(op.Inputs) < 2 || op.Inputs[1] < 0 {
		return fmt.Errorf("has no weights")
	}
	if w := m.Tensors[op.Inputs[1]].Shape; len(w) != rank {
		return fmt.Errorf("weights tensor %d has shape %v, want %d dimensions", op.Inputs[1], w, rank)
	}
	return nil
}

// Totals sums the MACs and parameters of stats.
func Totals(stats []LayerStat) (macs, params int64) {
	for _, s := range stats {
		macs += s.MACs
		params += s.Params
	}
	return macs, params
}

// DescribeConfig describes the network Build(cfg) would build
// without drawing its weights (the constants are zero-filled), so even the
// 29 M-parameter FullConv network is described in milliseconds.
func DescribeConfig(cfg Config) ([]LayerStat, error) {
	m, err := buildMobileNet(cfg, true)
	if err != nil {
		return nil, err
	}
	return Describe(m)
}
