package generic_test

import (
	"fmt"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// The SSD MobileNet-V1 post-process shape: 1917 anchors, 90 classes plus
// background, uint8 tensors with the detector's quantization.
const (
	ssdAnchors = 1917
	ssdColumns = 91
)

// ssdLikeInputs returns synthetic inputs of the detector's shape: anchors on
// grids of six sizes, encodings near the zero point, and class scores that
// are mostly small with a few confident ones, as a real frame gives.
func ssdLikeInputs(r *rand.Rand) (enc, scores, anchors generic.DetectionTensor) {
	a := make([]uint8, 4*ssdAnchors)
	grids := []int{19, 10, 5, 3, 2, 1}
	i := 0
	for g := 0; i < ssdAnchors; g = (g + 1) % len(grids) {
		n := grids[g]
		y, x := r.IntN(n), r.IntN(n)
		a[4*i] = uint8((2*y + 1) * 155 / (2 * n))
		a[4*i+1] = uint8((2*x + 1) * 155 / (2 * n))
		a[4*i+2] = uint8(min(155, 15+30*g+r.IntN(20)))
		a[4*i+3] = uint8(min(155, 15+30*g+r.IntN(20)))
		i++
	}
	e := make([]uint8, 4*ssdAnchors)
	for i := range e {
		e[i] = uint8(191 + r.IntN(31) - 15)
	}
	s := make([]uint8, ssdColumns*ssdAnchors)
	for i := range s {
		if r.IntN(200) == 0 {
			s[i] = uint8(r.IntN(256))
		} else {
			s[i] = uint8(r.IntN(12))
		}
	}
	return generic.DetectionTensor{U8: e, Scale: 0.07902787625789642, ZeroPoint: 191},
		generic.DetectionTensor{U8: s, Scale: 1.0 / 256, ZeroPoint: 0},
		generic.DetectionTensor{U8: a, Scale: 0.006453060545027256, ZeroPoint: 0}
}

// asInt8 and asFloat32 give the same values as edgecam's int8 storage and as
// floats dequantized the way TFLite does.
func asInt8(t generic.DetectionTensor) generic.DetectionTensor {
	return generic.DetectionTensor{I8: shiftToInt8(t.U8), Scale: t.Scale, ZeroPoint: t.ZeroPoint - 128}
}

func asFloat32(t generic.DetectionTensor, scores bool) generic.DetectionTensor {
	if scores {
		return generic.DetectionTensor{F32: dequantScores(t.U8, t.Scale, t.ZeroPoint)}
	}
	return generic.DetectionTensor{F32: dequantBoxes(t.U8, t.Scale, t.ZeroPoint)}
}

// detectionVariants are the input types and NMS variants of the allocation
// test and the benchmark.
func detectionVariants(r *rand.Rand) []struct {
	name                 string
	regular              bool
	enc, scores, anchors generic.DetectionTensor
} {
	enc, scores, anchors := ssdLikeInputs(r)
	type variant = struct {
		name                 string
		regular              bool
		enc, scores, anchors generic.DetectionTensor
	}
	var vs []variant
	for _, regular := range []bool{false, true} {
		nms := "fast"
		if regular {
			nms = "regular"
		}
		shape := fmt.Sprintf("%dx%d", ssdAnchors, ssdColumns)
		vs = append(vs,
			variant{nms + "/u8/" + shape, regular, enc, scores, anchors},
			variant{nms + "/i8/" + shape, regular, asInt8(enc), asInt8(scores), asInt8(anchors)},
			variant{nms + "/f32/" + shape, regular, asFloat32(enc, false), asFloat32(scores, true), asFloat32(anchors, false)},
		)
	}
	return vs
}

func detectionBenchOptions(regular bool) generic.DetectionPostProcessOptions {
	o := ssdLikeOptions()
	o.NumClasses, o.NMSIoUThreshold, o.UseRegularNMS = 90, 0.6, regular
	return o
}

// TestDetectionAllocatesNothing checks that a post-process call allocates
// nothing once its scratch exists, for every input type and both NMS variants.
func TestDetectionAllocatesNothing(t *testing.T) {
	for _, v := range detectionVariants(kerneltest.Rand(3)) {
		o := detectionBenchOptions(v.regular)
		s, err := generic.NewDetectionScratch(o, ssdAnchors)
		if err != nil {
			t.Fatal(err)
		}
		out := newDetectionOutputs(&o)
		count := 0
		allocs := testing.AllocsPerRun(20, func() {
			count, err = generic.DetectionPostProcess(s, out, v.enc, v.scores, v.anchors)
		})
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if count != o.MaxDetections {
			t.Errorf("%s: count %d, want %d (the synthetic frame has many confident scores)", v.name, count, o.MaxDetections)
		}
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", v.name, allocs)
		}
	}
}

// BenchmarkDetectionPostProcess times one post-process call on an input of
// the SSD detector's shape.
func BenchmarkDetectionPostProcess(b *testing.B) {
	for _, v := range detectionVariants(kerneltest.Rand(3)) {
		b.Run("generic/"+v.name, func(b *testing.B) {
			o := detectionBenchOptions(v.regular)
			s, err := generic.NewDetectionScratch(o, ssdAnchors)
			if err != nil {
				b.Fatal(err)
			}
			out := newDetectionOutputs(&o)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := generic.DetectionPostProcess(s, out, v.enc, v.scores, v.anchors); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
