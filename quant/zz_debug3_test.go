package quant

import (
	"context"
	"path/filepath"
	"testing"
	"math"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

func refCompare(t *testing.T, fm, q *runtime.Model, images string) {
	fe, err := newRefEval(fm)
	if err != nil {
		t.Fatal(err)
	}
	qe, err := newRefEval(q)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewDirSource(images, 224, camera.LoadRGB)
	a := &Agreement{}
	for {
		rgb, err := s.Next(context.Background())
		if err != nil {
			break
		}
		pf, err := fe.run(rgb)
		if err != nil {
			t.Fatal(err)
		}
		pq, err := qe.run(rgb)
		if err != nil {
			t.Fatal(err)
		}
		f32 := func(v []float64) []float32 { o := make([]float32, len(v)); for i := range v { o[i] = float32(v[i]) }; return o }
		a.add(f32(pf), f32(pq))
	}
	a.finish()
	t.Logf("ref: %+v", a)
}

func TestZZDebug3(t *testing.T) {
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite")
	images := filepath.Dir(fixtures.Path(t, "images/labels.tsv"))
	fm, _ := runtime.Load(path)
	src := func() FrameSource { s, _ := NewDirSource(images, 224, camera.LoadRGB); return s }
	st, _ := Calibrate(context.Background(), fm, src(), CalibrateOptions{})
	for _, nb := range []bool{true, false} {
		for _, meth := range []Method{MinMax, Percentile} {
			q, _ := Convert(fm, st, Config{Method: meth, NoBiasCorrection: nb})
			t.Logf("nobiascorr %v %v", nb, meth)
			refCompare(t, fm, q, images)
		}
	}
	_ = math.Abs
}
