package quant

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// TestMalformedModelsDoNotPanic mutates the tiny model at random: every
// mutation must give an error or a model that converts and simulates, never
// a panic.
func TestMalformedModelsDoNotPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	kinds := []tflite.OpKind{tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpAveragePool2D,
		tflite.OpFullyConnected, tflite.OpSqueeze, tflite.OpReshape, tflite.OpSoftmax}
	frame := make([]byte, 8*8*3)
	accepted := 0
	for iter := range 3000 {
		m := tinyFloatModel(1)
		for range 1 + r.IntN(2) {
			op := &m.Ops[r.IntN(len(m.Ops))]
			tt := &m.Tensors[r.IntN(len(m.Tensors))]
			switch r.IntN(8) {
			case 0:
				if len(tt.Shape) > 0 {
					tt.Shape[r.IntN(len(tt.Shape))] += r.IntN(5) - 2
				}
			case 1:
				tt.Shape = tt.Shape[:r.IntN(len(tt.Shape)+1)]
			case 2:
				op.Inputs[r.IntN(len(op.Inputs))] = r.IntN(len(m.Tensors)+2) - 1
			case 3:
				op.StrideH, op.StrideW = r.IntN(4)-1, r.IntN(4)-1
			case 4:
				op.Kind = kinds[r.IntN(len(kinds))]
			case 5:
				op.FilterH, op.FilterW = r.IntN(6)-1, r.IntN(6)-1
			case 6:
				tt.Data = tt.Data[:r.IntN(len(tt.Data)+1)]
			case 7:
				op.Padding = tflite.Padding(r.IntN(2))
			}
		}
		if CheckFloatModel(m) != nil {
			continue
		}
		accepted++
		st := NewModelStats(m)
		for i := range m.Tensors {
			if len(m.Tensors[i].Data) == 0 {
				st.Observe(0, i, []float32{-1, 0.5, 2})
			}
		}
		st.Samples = [][]byte{frame}
		if q, err := Convert(context.Background(), m, st, Config{}); err == nil {
			sim, err := newSimulator(q)
			if err != nil {
				t.Fatalf("iteration %d: simulator on converted model: %v", iter, err)
			}
			if _, err := sim.run(frame); err != nil {
				t.Fatalf("iteration %d: simulating the converted model: %v", iter, err)
			}
		}
		if _, err := WeightsOnly(m, st); err != nil {
			t.Fatalf("iteration %d: WeightsOnly failed on an accepted model: %v", iter, err)
		}
	}
	if accepted == 0 {
		t.Error("no mutated model was accepted: the test exercises nothing past the check")
	}
	t.Logf("%d of 3000 mutated models accepted", accepted)
}
