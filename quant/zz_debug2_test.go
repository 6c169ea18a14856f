package quant

import (
	"context"
	"encoding/binary"
	"math"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

func TestZZDebug2(t *testing.T) {
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite")
	images := filepath.Dir(fixtures.Path(t, "images/labels.tsv"))
	fm, _ := runtime.Load(path)
	src := func() FrameSource { s, _ := NewDirSource(images, 224, camera.LoadRGB); return s }
	p, _ := runtime.Compile(fm, runtime.Options{})
	s := src()
	for {
		rgb, err := s.Next(context.Background())
		if err != nil {
			break
		}
		p.SetInputRGB(rgb)
		p.Run()
		top := p.TopK(3, nil)
		t.Logf("%v", top)
	}
	for li, op := range fm.Ops {
		if op.Kind != runtime.OpConv2D && op.Kind != runtime.OpDepthwiseConv2D {
			continue
		}
		wo := cloneModel(fm)
		wt := &wo.Tensors[op.Inputs[1]]
		w, _ := floatData(wt)
		cw, _ := QuantizeWeights(w, wt.Shape, weightAxis(op.Kind))
		dq, _ := cw.Dequantize(wt.Shape)
		for i, v := range dq {
			binary.LittleEndian.PutUint32(wt.Data[4*i:], math.Float32bits(v))
		}
		a, _ := Compare(context.Background(), fm, wo, src(), 0)
		t.Logf("layer %d: agree %d top1 %.4f max %.4f", li, a.Top1Agree, a.MeanTop1AbsDiff, a.MeanMaxAbsDiff)
	}
}
