package mobilenet

import (
	"encoding/binary"
	"math"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// A naive float reference forward pass over built MobileNet models, for
// checking the builder's weight and activation scales (not a kernel test).

func refFloats(t *tflite.Tensor) []float32 {
	v := make([]float32, len(t.Data)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return v
}

// samePad is TensorFlow SAME padding before the data.
func refSamePad(in, out, k, s int) int { return max((out-1)*s+k-in, 0) / 2 }

// refForward runs a float model on input and returns every activation by
// tensor index. It knows CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D (VALID),
// SQUEEZE/RESHAPE and SOFTMAX with SAME padding and RELU6 / no activation.
func refForward(m *tflite.Model, input []float32) map[int][]float32 {
	acts := map[int][]float32{m.Inputs[0]: input}
	for i := range m.Ops {
		op := &m.Ops[i]
		x, in := acts[op.Inputs[0]], m.Tensors[op.Inputs[0]].Shape
		out := m.Tensors[op.Outputs[0]].Shape
		var y []float32
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D:
			wt := &m.Tensors[op.Inputs[1]]
			w := refFloats(wt)
			var bias []float32
			if len(op.Inputs) > 2 {
				bias = refFloats(&m.Tensors[op.Inputs[2]])
			}
			y = refConv(op, x, in, w, wt.Shape, bias, out)
		case tflite.OpAveragePool2D:
			y = make([]float32, out[3])
			for p := 0; p < in[1]*in[2]; p++ {
				for c := range out[3] {
					y[c] += x[p*in[3]+c] / float32(in[1]*in[2])
				}
			}
		case tflite.OpSqueeze, tflite.OpReshape:
			y = x
		case tflite.OpSoftmax:
			y = make([]float32, len(x))
			var mx, sum float64 = math.Inf(-1), 0
			for _, v := range x {
				mx = max(mx, float64(v))
			}
			for j, v := range x {
				e := math.Exp(float64(v) - mx)
				y[j] = float32(e)
				sum += e
			}
			for j := range y {
				y[j] /= float32(sum)
			}
		}
		acts[op.Outputs[0]] = y
	}
	return acts
}

func refConv(op *tflite.Op, x []float32, in []int, w []float32, ws []int, bias []float32, out []int) []float32 {
	kh, kw := ws[1], ws[2]
	s := op.StrideH
	ph, pw := refSamePad(in[1], out[1], kh, s), refSamePad(in[2], out[2], kw, s)
	y := make([]float32, out[1]*out[2]*out[3])
	for oy := range out[1] {
		for ox := range out[2] {
			for oc := range out[3] {
				var acc float32
				if bias != nil {
					acc = bias[oc]
				}
				for ky := range kh {
					iy := oy*s + ky - ph
					if iy < 0 || iy >= in[1] {
						continue
					}
					for kx := range kw {
						ix := ox*s + kx - pw
						if ix < 0 || ix >= in[2] {
							continue
						}
						px := x[(iy*in[2]+ix)*in[3]:]
						if op.Kind == tflite.OpDepthwiseConv2D {
							acc += px[oc] * w[(ky*kw+kx)*out[3]+oc]
							continue
						}
						wr := w[((oc*kh+ky)*kw+kx)*in[3]:]
						for ic := range in[3] {
							acc += px[ic] * wr[ic]
						}
					}
				}
				if op.Activation == tflite.ActRelu6 {
					acc = min(max(acc, 0), 6)
				}
				y[(oy*out[2]+ox)*out[3]+oc] = acc
			}
		}
	}
	return y
}
