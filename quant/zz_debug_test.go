package quant

import (
	"encoding/binary"
	"math"
	"context"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

func TestZZDebug(t *testing.T) {
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite")
	images := filepath.Dir(fixtures.Path(t, "images/labels.tsv"))
	fm, _ := runtime.Load(path)
	src := func() FrameSource { s, _ := NewDirSource(images, 224, camera.LoadRGB); return s }
	st0, _ := Calibrate(context.Background(), fm, src(), CalibrateOptions{})
	wo := cloneModel(fm)
	for _, op := range wo.Ops {
		if op.Kind != runtime.OpConv2D && op.Kind != runtime.OpDepthwiseConv2D {
			continue
		}
		wt := &wo.Tensors[op.Inputs[1]]
		w, _ := floatData(wt)
		cw, _ := QuantizeWeights(w, wt.Shape, weightAxis(op.Kind))
		dq, _ := cw.Dequantize(wt.Shape)
		for i, v := range dq {
			binary.LittleEndian.PutUint32(wt.Data[4*i:], math.Float32bits(v))
		}
		sh := biasShift(op.Kind, wt.Shape, w, dq, st0.Tensors[op.Inputs[0]].ChannelMean())
		bt := &wo.Tensors[op.Inputs[2]]
		b, _ := floatData(bt)
		for i := range b {
			binary.LittleEndian.PutUint32(bt.Data[4*i:], math.Float32bits(b[i]-float32(sh[i])))
		}
	}
	a, err := Compare(context.Background(), fm, wo, src(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("weights-only: %+v", a)
	st, _ := Calibrate(context.Background(), fm, src(), CalibrateOptions{})
	for i := range fm.Ops {
		o := fm.Ops[i].Outputs[0]
		lo, hi, _ := st.Tensors[o].Range(MinMax, 0)
		plo, phi, _ := st.Tensors[o].Range(Percentile, 99.99)
		t.Logf("op %d %v %s: [%v %v] p[%v %v]", i, fm.Ops[i].Kind, fm.Tensors[o].Name, lo, hi, plo, phi)
	}
	for _, v := range []struct{ s float32; zp int64 }{{1.0 / 128, 0}, {2.0 / 255, -1}} {
		inputQuant = Affine{v.s, int32(v.zp)}
		q, _ := Convert(fm, st, Config{Method: MinMax})
		// fix bias of first conv
		a, err := Compare(context.Background(), fm, q, src(), 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("input %v %v: %+v", v.s, v.zp, a)
	}
}
