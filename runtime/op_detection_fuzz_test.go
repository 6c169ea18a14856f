package runtime

import (
	"errors"
	"testing"
)

// FuzzDetectionOptions puts arbitrary bytes in the test detector's custom
// options: Validate never panics and refuses with one of the two error
// kinds, and a model it accepts compiles and runs, giving at most its
// rows of detections. Run:
//
//	go test -run='^$' -fuzz=FuzzDetectionOptions -fuzztime=1m ./runtime
func FuzzDetectionOptions(f *testing.F) {
	valid := flexMap(ssdOptions(5, testDetClasses)...)
	f.Add(valid)
	f.Add(flexMap(ssdOptions(65536, testDetClasses)...))
	f.Add(flexMap(withOption(ssdOptions(3, testDetClasses), flexBool("use_regular_nms", true))...))
	f.Add(flexMap(withOption(ssdOptions(3, testDetClasses), flexFloat("nms_iou_threshold", 0))...))
	f.Add(flexMap(withOption(ssdOptions(3, testDetClasses), flexInt("max_classes_per_detection", 3))...))
	for _, n := range []int{0, 1, 3, len(valid) / 2, len(valid) - 1} {
		f.Add(valid[:n])
	}
	for _, at := range []int{0, 5, len(valid) / 2, len(valid) - 3, len(valid) - 2, len(valid) - 1} {
		c := append([]byte(nil), valid...)
		c[at] ^= 0x5a
		f.Add(c)
	}
	d := detectorNet(schemeU8, 1, ssdOptions(5, testDetClasses))
	img := planTestImage(8, 8, 2)
	f.Fuzz(func(t *testing.T, opts []byte) {
		d.m.Ops[d.post].CustomOptions = opts
		if err := Validate(d.m); err != nil {
			if !errors.Is(err, ErrInvalidModel) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %q wraps neither ErrInvalidModel nor ErrUnsupported", err)
			}
			return
		}
		p, err := Compile(d.m, Options{Threads: 1, MaxMemory: 64 << 20})
		if err != nil {
			if !errors.Is(err, ErrMemoryBudget) {
				t.Fatalf("Validate accepted options Compile refuses: %v", err)
			}
			return
		}
		defer p.Close()
		if err := p.SetInputRGB(img); err != nil {
			t.Fatal(err)
		}
		if err := p.Run(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		o, _ := detectionOptions(&d.m.Ops[d.post])
		if dets := p.Detections(nil, 0); len(dets) > o.OutputRows() {
			t.Fatalf("%d detections from %d rows", len(dets), o.OutputRows())
		}
	})
}
