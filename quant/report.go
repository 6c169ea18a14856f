package quant

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// LayerQuant summarizes the quantization of one op of a quantized model.
type LayerQuant struct {
	Op     int
	Kind   tflite.OpKind
	Output string
	// WeightScaleMin and WeightScaleMax span the per-channel weight scales
	// (0 for ops without weights); Channels is their number.
	WeightScaleMin, WeightScaleMax float32
	Channels                       int
	// OutScale and OutZeroPoint are the output quantization; Lo and Hi the
	// real range it covers.
	OutScale     float32
	OutZeroPoint int64
	Lo, Hi       float32
}

// Layers lists the quantization of every op of q whose output is quantized.
func Layers(q *tflite.Model) []LayerQuant {
	var out []LayerQuant
	for i := range q.Ops {
		op := &q.Ops[i]
		if len(op.Outputs) == 0 || op.Outputs[0] < 0 || op.Outputs[0] >= len(q.Tensors) {
			continue
		}
		ot := &q.Tensors[op.Outputs[0]]
		l := LayerQuant{Op: i, Kind: op.Kind, Output: ot.Name}
		if ot.Quant != nil && len(ot.Quant.Scale) == 1 && len(ot.Quant.ZeroPoint) == 1 {
			l.OutScale, l.OutZeroPoint = ot.Quant.Scale[0], ot.Quant.ZeroPoint[0]
			l.Lo = l.OutScale * float32(-128-l.OutZeroPoint)
			l.Hi = l.OutScale * float32(127-l.OutZeroPoint)
		}
		if w := weightsOf(q, op); w != nil && w.Quant != nil && len(w.Quant.Scale) > 0 {
			l.Channels = len(w.Quant.Scale)
			l.WeightScaleMin, l.WeightScaleMax = w.Quant.Scale[0], w.Quant.Scale[0]
			for _, s := range w.Quant.Scale {
				l.WeightScaleMin = min(l.WeightScaleMin, s)
				l.WeightScaleMax = max(l.WeightScaleMax, s)
			}
		}
		if l.OutScale == 0 && l.Channels == 0 {
			continue
		}
		out = append(out, l)
	}
	return out
}

// weightsOf returns the int8 weight tensor of a conv, depthwise or fully
// connected op, following a DEQUANTIZE in weights-only models.
func weightsOf(q *tflite.Model, op *tflite.Op) *tflite.Tensor {
	switch op.Kind {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
	default:
		return nil
	}
	if len(op.Inputs) < 2 || op.Inputs[1] < 0 || op.Inputs[1] >= len(q.Tensors) {
		return nil
	}
	w := op.Inputs[1]
	if q.Tensors[w].Quant != nil {
		return &q.Tensors[w]
	}
	for i := range q.Ops {
		d := &q.Ops[i]
		if d.Kind == tflite.OpDequantize && len(d.Outputs) == 1 && d.Outputs[0] == w && len(d.Inputs) == 1 {
			return &q.Tensors[d.Inputs[0]]
		}
	}
	return nil
}

// WriteLayers prints the layer table.
func WriteLayers(w io.Writer, layers []LayerQuant) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tkind\tchannels\tweight scale min\tweight scale max\tout scale\tout zp\tout range\t")
	for _, l := range layers {
		ws := "\t\t"
		if l.Channels > 0 {
			ws = fmt.Sprintf("%.3g\t%.3g\t", l.WeightScaleMin, l.WeightScaleMax)
		}
		rng := "\t\t\t"
		if l.OutScale != 0 {
			rng = fmt.Sprintf("%.4g\t%d\t[%.3g, %.3g]\t", l.OutScale, l.OutZeroPoint, l.Lo, l.Hi)
		}
		fmt.Fprintf(tw, "%d\t%v\t%d\t%s%s\n", l.Op, l.Kind, l.Channels, ws, rng)
	}
	return tw.Flush()
}
