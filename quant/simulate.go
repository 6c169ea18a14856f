package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// simulator is a slow, obvious interpreter of float and int8 MobileNet
// graphs, independent of the runtime package's kernels. Quantized tensors
// are held as their real values: every op computes in float64 from
// dequantized inputs and requantizes its output once (round half away from
// zero, clamp), the scheme of the golden engine (Arm NN CpuRef). Bias
// correction runs the quantized graph with it op by op; tests use it to judge
// the quantization apart from any runtime kernel.
type simulator struct {
	m    *tflite.Model
	norm runtime.Normalization // of a float input (runtime.ModelNormalization)
	vals [][]float64
	// lastUse[t] is the last op reading tensor t (-1: none); release frees
	// activations after it.
	lastUse []int
}

// clone returns a simulator of the same model sharing e's dequantized
// constants (which are never written in place), with no activations.
func (e *simulator) clone() *simulator {
	c := &simulator{m: e.m, norm: e.norm, vals: make([][]float64, len(e.vals)), lastUse: e.lastUse}
	for i := range e.m.Tensors {
		if len(e.m.Tensors[i].Data) != 0 {
			c.vals[i] = e.vals[i]
		}
	}
	return c
}

func newSimulator(m *tflite.Model) (*simulator, error) {
	norm, _, err := runtime.ModelNormalization(m)
	if err != nil {
		return nil, err
	}
	e := &simulator{m: m, norm: norm, vals: make([][]float64, len(m.Tensors)), lastUse: make([]int, len(m.Tensors))}
	for i := range e.lastUse {
		e.lastUse[i] = -1
	}
	for i := range m.Ops {
		for _, t := range m.Ops[i].Inputs {
			if t >= 0 && t < len(m.Tensors) {
				e.lastUse[t] = i
			}
		}
	}
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if len(t.Data) == 0 {
			continue
		}
		v, err := constValues(t)
		if err != nil {
			return nil, err
		}
		e.vals[i] = v
	}
	return e, nil
}

// constValues dequantizes a constant tensor.
func constValues(t *tflite.Tensor) ([]float64, error) {
	n := t.Elems()
	if sz := t.Type.Size(); sz == 0 || len(t.Data) != n*sz {
		return nil, fmt.Errorf("tensor %q: %d data bytes for shape %v of %v", t.Name, len(t.Data), t.Shape, t.Type)
	}
	v := make([]float64, n)
	scale := func(i int) (float64, float64) {
		if t.Quant == nil || len(t.Quant.Scale) == 0 {
			return 1, 0
		}
		c := 0
		if len(t.Quant.Scale) > 1 {
			inner := 1
			for _, d := range t.Shape[t.Quant.Axis+1:] {
				inner *= d
			}
			c = (i / inner) % t.Shape[t.Quant.Axis]
		}
		zp := 0.0
		if len(t.Quant.ZeroPoint) > c {
			zp = float64(t.Quant.ZeroPoint[c])
		}
		return float64(t.Quant.Scale[c]), zp
	}
	for i := range v {
		s, zp := scale(i)
		switch t.Type {
		case tflite.Float32:
			v[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:])))
		case tflite.Int8:
			v[i] = s * (float64(int8(t.Data[i])) - zp)
		case tflite.Int32:
			if t.Quant == nil { // shape tensors
				v[i] = float64(int32(binary.LittleEndian.Uint32(t.Data[4*i:])))
			} else {
				v[i] = s * (float64(int32(binary.LittleEndian.Uint32(t.Data[4*i:]))) - zp)
			}
		default:
			return nil, fmt.Errorf("tensor %q: type %v", t.Name, t.Type)
		}
	}
	return v, nil
}

// requant rounds x to tensor t's int8 grid when t is int8, else returns it.
func requant(t *tflite.Tensor, x []float64, lo, hi float64) {
	for i, v := range x {
		x[i] = min(max(v, lo), hi)
	}
	if t.Type != tflite.Int8 || t.Quant == nil {
		return
	}
	s, zp := float64(t.Quant.Scale[0]), float64(t.Quant.ZeroPoint[0])
	for i, v := range x {
		q := math.Round(v/s) + zp
		q = max(-128, min(127, q))
		x[i] = s * (q - zp)
	}
}

// run classifies one HWC RGB frame and returns the output's real values.
func (e *simulator) run(rgb []byte) ([]float64, error) {
	e.setInput(rgb)
	for i := range e.m.Ops {
		if err := e.step(i, nil); err != nil {
			return nil, err
		}
		e.release(i)
	}
	return e.vals[e.m.Outputs[0]], nil
}

// release frees the activations whose last reader is op i.
func (e *simulator) release(i int) {
	for _, t := range e.m.Ops[i].Inputs {
		if t >= 0 && e.lastUse[t] == i && len(e.m.Tensors[t].Data) == 0 && !slices.Contains(e.m.Outputs, t) {
			e.vals[t] = nil
		}
	}
}

// step computes op i; pre, when set, sees the output before the fused
// activation and the output rounding.
func (e *simulator) step(i int, pre func(out []float64)) error {
	if err := e.op(&e.m.Ops[i], pre); err != nil {
		return fmt.Errorf("simulate op %d (%v): %w", i, e.m.Ops[i].Kind, err)
	}
	return nil
}

// setInput sets the model input from an HWC RGB frame, as the runtime's
// SetInputRGB does without an explicit normalization: a float input gets
// (x-mean[c])/std[c] with the model's normalization (metadata, else
// MobileNet's), here in float64; an int8 input gets the byte minus 128,
// whose real value its quantization gives.
func (e *simulator) setInput(rgb []byte) {
	m := e.m
	in := m.Inputs[0]
	x := make([]float64, len(rgb))
	if t := &m.Tensors[in]; t.Type == tflite.Int8 {
		s, zp := float64(t.Quant.Scale[0]), float64(t.Quant.ZeroPoint[0])
		for i, p := range rgb {
			x[i] = s * (float64(p) - 128 - zp)
		}
	} else {
		for i, p := range rgb {
			c := i % 3
			x[i] = (float64(p) - float64(e.norm.Mean[c])) / float64(e.norm.Std[c])
		}
	}
	e.vals[in] = x
}

func actRange(a tflite.Activation) (float64, float64) {
	switch a {
	case tflite.ActRelu:
		return 0, math.Inf(1)
	case tflite.ActRelu6:
		return 0, 6
	case tflite.ActReluN1To1:
		return -1, 1
	}
	return math.Inf(-1), math.Inf(1)
}

// samePad is TensorFlow SAME padding's 'before' amount.
func samePad(in, k, s int) int {
	out := (in + s - 1) / s
	return max((out-1)*s+k-in, 0) / 2
}

func (e *simulator) op(op *tflite.Op, pre func(out []float64)) error {
	m := e.m
	ot := &m.Tensors[op.Outputs[0]]
	src := e.vals[op.Inputs[0]]
	if src == nil {
		return fmt.Errorf("input %q not computed", m.Tensors[op.Inputs[0]].Name)
	}
	out := make([]float64, ot.Elems())
	lo, hi := actRange(op.Activation)
	switch op.Kind {
	case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpAveragePool2D:
		it := &m.Tensors[op.Inputs[0]]
		ih, iw, ic := it.Shape[1], it.Shape[2], it.Shape[3]
		oh, ow, oc := ot.Shape[1], ot.Shape[2], ot.Shape[3]
		var w, b []float64
		kh, kw := op.FilterH, op.FilterW
		if op.Kind != tflite.OpAveragePool2D {
			wt := &m.Tensors[op.Inputs[1]]
			w = e.vals[op.Inputs[1]]
			kh, kw = wt.Shape[1], wt.Shape[2]
			if len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
				b = e.vals[op.Inputs[2]]
			}
		}
		pt, pl := 0, 0
		if op.Padding == tflite.PadSame {
			pt, pl = samePad(ih, kh, op.StrideH), samePad(iw, kw, op.StrideW)
		}
		for y := range oh {
			for x := range ow {
				for c := range oc {
					var acc float64
					n := 0
					for ky := range kh {
						sy := y*op.StrideH - pt + ky
						if sy < 0 || sy >= ih {
							continue
						}
						for kx := range kw {
							sx := x*op.StrideW - pl + kx
							if sx < 0 || sx >= iw {
								continue
							}
							base := (sy*iw + sx) * ic
							switch op.Kind {
							case tflite.OpConv2D:
								wb := ((c*kh+ky)*kw + kx) * ic
								xs, ws := src[base:base+ic], w[wb:wb+ic]
								for k, xv := range xs {
									acc += xv * ws[k]
								}
							case tflite.OpDepthwiseConv2D:
								acc += src[base+c] * w[(ky*kw+kx)*oc+c]
							default:
								acc += src[base+c]
								n++
							}
						}
					}
					if op.Kind == tflite.OpAveragePool2D {
						acc /= float64(max(n, 1))
					} else if b != nil {
						acc += b[c]
					}
					out[(y*ow+x)*oc+c] = acc
				}
			}
		}
	case tflite.OpFullyConnected:
		w := e.vals[op.Inputs[1]]
		k := len(src)
		for n := range len(out) {
			var acc float64
			for j := range k {
				acc += src[j] * w[n*k+j]
			}
			if len(op.Inputs) > 2 && op.Inputs[2] >= 0 {
				acc += e.vals[op.Inputs[2]][n]
			}
			out[n] = acc
		}
	case tflite.OpSqueeze, tflite.OpReshape, tflite.OpQuantize, tflite.OpDequantize:
		copy(out, src)
	case tflite.OpSoftmax:
		mx := math.Inf(-1)
		for _, v := range src {
			mx = max(mx, v)
		}
		var sum float64
		for i, v := range src {
			out[i] = math.Exp(float64(op.Beta) * (v - mx))
			sum += out[i]
		}
		for i := range out {
			out[i] /= sum
		}
	default:
		return fmt.Errorf("unsupported op")
	}
	if pre != nil {
		pre(out)
	}
	requant(ot, out, lo, hi)
	e.vals[op.Outputs[0]] = out
	return nil
}
