package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

// TestDescribeDetector describes the SSD detector: 64 layers ending in the
// two concatenations, the sigmoid and the post-process (its anchors as
// parameters, its output shaped by its options), and multiply-adds equal
// to what the runtime's plan counts layer by layer.
func TestDescribeDetector(t *testing.T) {
	path := fixtures.Path(t, filepath.Join("models", ssdStem+".tflite"))
	r := runDescribeJSON(t, "-model", path)
	if len(r.Layers) != 64 {
		t.Fatalf("%d layers, want 64", len(r.Layers))
	}
	m, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var planMACs, convs int64
	for i, l := range p.Layers() {
		planMACs += l.MACs
		if d := r.Layers[i]; d.MACs != l.MACs || d.Type != l.Type || d.Op != l.Op {
			t.Errorf("layer %d: describe %s %s %d MACs, plan %s %s %d MACs", i, d.Op, d.Type, d.MACs, l.Op, l.Type, l.MACs)
		}
		if l.MACs > 0 {
			convs++
		}
	}
	if r.MACs != planMACs || convs != 47 {
		t.Errorf("describe counts %d MACs, the plan %d over %d convolutions (want 47)", r.MACs, planMACs, convs)
	}
	for i, want := range map[int]layerReport{
		57: {Op: "CONCATENATION", Type: "concat", Out: []int{1, 1917, 1, 4}},
		61: {Op: "CONCATENATION", Type: "concat", Out: []int{1, 1917, 91}},
		62: {Op: "LOGISTIC", Type: "logistic", Out: []int{1, 1917, 91}},
		63: {Op: "TFLite_Detection_PostProcess", Type: "postprocess", Out: []int{1, 10, 4}, Params: 1917 * 4},
	} {
		if l := r.Layers[i]; l.Op != want.Op || l.Type != want.Type || !slices.Equal(l.Out, want.Out) || l.Params != want.Params || l.MACs != 0 {
			t.Errorf("layer %d = %+v, want %+v", i, l, want)
		}
	}
}
