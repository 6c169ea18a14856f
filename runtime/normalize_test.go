package runtime

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// allBytesImage is a 10x10 RGB image whose channel c holds byte (i+85c)%256
// at pixel i, so every byte value reaches every channel within 256 pixels
// of two images (see inputAt).
func allBytesImage(h, w, shift int) []byte {
	img := make([]byte, h*w*3)
	for i := range h * w {
		for c := range 3 {
			img[3*i+c] = byte(i + shift + 85*c)
		}
	}
	return img
}

// setAndCheck feeds images covering every byte of every channel and calls
// check(c, x, index) for each element of the plan's input.
func setAndCheck(t *testing.T, p *Plan, check func(c int, x byte, i int)) {
	t.Helper()
	h, w, _ := p.InputShape()
	for shift := 0; shift < 256; shift += h * w {
		img := allBytesImage(h, w, shift)
		if err := p.SetInputRGB(img); err != nil {
			t.Fatal(err)
		}
		for i, x := range img {
			check(i%3, x, i)
		}
	}
}

// TestNormalizationFloatInput checks the rule for float inputs: MobileNet's
// by default, the metadata's when the model has one (per channel), the
// explicit one over both, and nil back to the model's.
func TestNormalizationFloatInput(t *testing.T) {
	meta := Normalization{Mean: [3]float32{123.675, 116.28, 103.53}, Std: [3]float32{58.395, 57.12, 57.375}}
	x255 := UniformNormalization(0, 255)
	want := func(n Normalization) func(c int, x byte) float32 {
		return func(c int, x byte) float32 { return (float32(x) - n.Mean[c]) / n.Std[c] }
	}
	plain := compilePlanT(t, tinyNet(schemeF32, 10, 1), Options{Threads: 1})
	mdModel := tinyNet(schemeF32, 10, 1)
	mdModel.SetInputNormalization(meta.Metadata())
	withMD := compilePlanT(t, mdModel, Options{Threads: 1})
	for _, tc := range []struct {
		name string
		p    *Plan
		set  *Normalization
		want func(c int, x byte) float32
	}{
		{"default is MobileNet's", plain, nil, want(MobileNetNormalization)},
		{"explicit x/255", plain, &x255, want(x255)},
		{"nil restores the default", plain, nil, want(MobileNetNormalization)},
		{"metadata per channel", withMD, nil, want(meta)},
		{"explicit over metadata", withMD, &x255, want(x255)},
		{"nil restores the metadata's", withMD, nil, want(meta)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.SetNormalization(tc.set); err != nil {
				t.Fatal(err)
			}
			setAndCheck(t, tc.p, func(c int, x byte, i int) {
				if got, w := tc.p.in.f32[i], tc.want(c, x); got != w {
					t.Fatalf("channel %d byte %d: input %v, want %v", c, x, got, w)
				}
			})
		})
	}
	// Exactly the golden preprocessing of the VWW float model.
	for x := range 256 {
		if got, w := x255.Value(1, byte(x)), float32(x)/float32(255); got != w {
			t.Fatalf("x/255 of %d: %v, want float32(x)/float32(255) = %v", x, got, w)
		}
	}
}

// TestNormalizationQuantizedInput checks that quantized inputs take the
// raw byte (uint8) or the byte minus 128 (int8) whatever their
// quantization and metadata, and the exact quantization of an explicit
// normalization.
func TestNormalizationQuantizedInput(t *testing.T) {
	for _, tc := range []struct {
		scheme tinyScheme
		scale  float32
		zp     int64 // in the tensor's own type
	}{
		{schemeU8, 1.0 / 128, 128},
		{schemeU8, 0.0123, 3},
		{schemeI8, 1.0 / 255, -128}, // VWW
		{schemeI8, 0.007843137718737125, -1},
		{schemeI8, 0.02, 17},
	} {
		t.Run(fmt.Sprintf("%v/scale=%g/zp=%d", tc.scheme, tc.scale, tc.zp), func(t *testing.T) {
			m := tinyNet(tc.scheme, 10, 1)
			setInputQuant(m, tc.scale, tc.zp)
			m.SetInputNormalization(tflite.Normalization{Mean: []float32{10}, Std: []float32{3}}) // not for a quantized input
			p := compilePlanT(t, m, Options{Threads: 1})
			setAndCheck(t, p, func(c int, x byte, i int) {
				if got := p.in.i8[i]; got != int8(int(x)-128) {
					t.Fatalf("default: byte %d stored as %d, want %d (raw byte in the int8 domain)", x, got, int(x)-128)
				}
			})
			n := Normalization{Mean: [3]float32{127.5, 0, 100.25}, Std: [3]float32{127.5, 255, 0.5}}
			if err := p.SetNormalization(&n); err != nil {
				t.Fatal(err)
			}
			zp8 := tc.zp
			if tc.scheme == schemeU8 {
				zp8 -= 128
			}
			setAndCheck(t, p, func(c int, x byte, i int) {
				w := refQuantize(float64(x), float64(n.Mean[c]), float64(n.Std[c]), float64(tc.scale), tc.zp, tc.scheme == schemeU8)
				if got := int64(p.in.i8[i]) - zp8 + tc.zp; got != w {
					t.Fatalf("channel %d byte %d: %d in the tensor's type, want %d", c, x, got, w)
				}
			})
		})
	}
}

// setInputQuant gives m's input another quantization, and the biases of
// the ops reading it the matching scales (input scale x filter scale).
func setInputQuant(m *tflite.Model, scale float32, zp int64) {
	in := m.Inputs[0]
	m.Tensors[in].Quant = &tflite.Quantization{Scale: []float32{scale}, ZeroPoint: []int64{zp}}
	for _, op := range m.Ops {
		if op.Inputs[0] != in || len(op.Inputs) < 3 || op.Inputs[2] < 0 {
			continue
		}
		w, b := m.Tensors[op.Inputs[1]].Quant, m.Tensors[op.Inputs[2]].Quant
		for c := range b.Scale {
			b.Scale[c] = float32(float64(scale) * float64(w.Scale[min(c, len(w.Scale)-1)]))
		}
	}
}

// refQuantize is round((x-mean)/std/scale)+zp, half away from zero,
// clamped to the type's range, evaluated with 256-bit floats.
func refQuantize(x, mean, std, scale float64, zp int64, unsigned bool) int64 {
	const prec = 256
	f := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	v := f(x)
	v.Sub(v, f(mean))
	v.Quo(v, new(big.Float).SetPrec(prec).Mul(f(std), f(scale)))
	neg := v.Sign() < 0
	v.Abs(v)
	v.Add(v, f(0.5))
	r, _ := v.Int64() // truncates: floor for v >= 0
	if neg {
		r = -r
	}
	lo, hi := int64(-128), int64(127)
	if unsigned {
		lo, hi = 0, 255
	}
	return min(max(r+zp, lo), hi)
}

// TestQuantizeExact compares the exact quantization with the 256-bit
// reference on random parameters and on exact ties, where the rounding
// direction is the whole question.
func TestQuantizeExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		mean := float32(r.Float64()*300 - 20)
		std := float32(math.Exp(r.Float64()*8 - 4))
		scale := float32(math.Exp(r.Float64()*8 - 6))
		zp := int32(r.IntN(256) - 128)
		x := byte(r.IntN(256))
		got := quantizeExact(x, mean, std, scale, zp)
		if w := refQuantize(float64(x), float64(mean), float64(std), float64(scale), int64(zp), false); int64(got) != w {
			t.Fatalf("x %d mean %v std %v scale %v zp %d: %d, want %d", x, mean, std, scale, zp, got, w)
		}
	}
	for _, tc := range []struct {
		x             byte
		mean, std, sc float32
		zp            int32
		want          int8
		why           string
	}{
		{1, 0, 2, 1, 0, 1, "0.5 rounds up"},
		{3, 0, 2, 1, 0, 2, "1.5 rounds up"},
		{0, 1, 2, 1, 0, -1, "-0.5 rounds away from zero"},
		{0, 3, 2, 1, 0, -2, "-1.5 rounds away from zero"},
		{128, 127.5, 127.5, 1.0 / 128, 0, 1, "MobileNet's 0.5/127.5*128 = 0.502 rounds up"},
		{255, 0, 1, 1, 0, 127, "clamped high"},
		{0, 255, 1, 1, -128, -128, "clamped low"},
		{200, 0, 255, float32(1.0 / 255), -128, 72, "VWW: x/255 quantized is x-128"},
	} {
		if got := quantizeExact(tc.x, tc.mean, tc.std, tc.sc, tc.zp); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.why, got, tc.want)
		}
	}
	// VWW's int8 input: x/255 with float32 1/255 and zero point -128 is
	// exactly x-128 for every byte (../shared/golden/README.md).
	for x := range 256 {
		if got := quantizeExact(byte(x), 0, 255, float32(1.0/255), -128); int(got) != x-128 {
			t.Fatalf("VWW byte %d: %d, want %d", x, got, x-128)
		}
	}
}

func TestNormalizationErrors(t *testing.T) {
	p := compilePlanT(t, tinyNet(schemeF32, 10, 1), Options{Threads: 1})
	for _, tc := range []struct {
		n    Normalization
		want string
	}{
		{UniformNormalization(0, 0), "std[0] is 0"},
		{Normalization{Mean: [3]float32{0, float32(math.NaN()), 0}, Std: [3]float32{1, 1, 1}}, "mean[1] is NaN"},
		{Normalization{Mean: [3]float32{0, 0, 0}, Std: [3]float32{1, 1, float32(math.Inf(1))}}, "std[2] is +Inf"},
	} {
		if err := p.SetNormalization(&tc.n); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetNormalization(%v) = %v, want an error containing %q", tc.n, err, tc.want)
		}
	}
	if _, err := NormalizationFromMetadata(&tflite.Normalization{Mean: []float32{1, 2}, Std: []float32{1}}); err == nil || !strings.Contains(err.Error(), "mean has 2 values") {
		t.Errorf("two mean values: %v", err)
	}
	n, err := NormalizationFromMetadata(&tflite.Normalization{Mean: []float32{1, 2, 3}, Std: []float32{4}})
	if err != nil || n != (Normalization{Mean: [3]float32{1, 2, 3}, Std: [3]float32{4, 4, 4}}) {
		t.Errorf("per-channel mean, single std: %v %v", n, err)
	}
	if md := UniformNormalization(0, 255); len(md.Metadata().Mean) != 1 {
		t.Errorf("a uniform normalization becomes %v in metadata, want one value", md.Metadata())
	}
	if lo, hi := UniformNormalization(0, 255).Range(); lo != 0 || hi != 1 {
		t.Errorf("x/255 range [%v, %v], want [0, 1]", lo, hi)
	}
}

// TestNormalizationUnusableMetadata compiles float models whose metadata
// normalization cannot feed an RGB input: the model compiles, SetInputRGB
// says why it cannot feed it, and an explicit normalization (the -mean and
// -std flags) rescues it. A quantized input ignores it.
func TestNormalizationUnusableMetadata(t *testing.T) {
	for _, tc := range []struct {
		n    tflite.Normalization
		want string
	}{
		{tflite.Normalization{Mean: []float32{1, 2}, Std: []float32{3}}, "mean has 2 values"},
		{tflite.Normalization{Mean: []float32{1}, Std: []float32{0}}, "std[0] is 0"},
		{tflite.Normalization{Mean: nil, Std: []float32{1}}, "mean has 0 values"},
	} {
		m := tinyNet(schemeF32, 10, 1)
		m.SetInputNormalization(tc.n)
		p := compilePlanT(t, m, Options{Threads: 1})
		img := planTestImage(10, 10, 1)
		if err := p.SetInputRGB(img); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "-mean") {
			t.Errorf("%v: SetInputRGB = %v, want an error containing %q and pointing to -mean", tc.n, err, tc.want)
		}
		if err := p.SetNormalization(nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: SetNormalization(nil) = %v", tc.n, err)
		}
		x255 := UniformNormalization(0, 255)
		if err := p.SetNormalization(&x255); err != nil {
			t.Fatal(err)
		}
		if err := p.SetInputRGB(img); err != nil || p.in.f32[0] != float32(img[0])/255 {
			t.Errorf("%v: after an explicit normalization: %v, input[0] %v", tc.n, err, p.in.f32[0])
		}
		q := tinyNet(schemeI8, 10, 1)
		q.SetInputNormalization(tc.n)
		if err := compilePlanT(t, q, Options{Threads: 1}).SetInputRGB(img); err != nil {
			t.Errorf("%v: int8 input: %v", tc.n, err)
		}
	}
}

// BenchmarkSetInputRGB converts a 224x224 frame.
func BenchmarkSetInputRGB(b *testing.B) {
	for _, sc := range []tinyScheme{schemeF32, schemeI8} {
		b.Run(sc.String()+"/224", func(b *testing.B) {
			p := compilePlanT(b, tinyNet(sc, 224, 1), Options{Threads: 1})
			img := planTestImage(224, 224, 1)
			b.SetBytes(int64(len(img)))
			b.ReportAllocs()
			for b.Loop() {
				if err := p.SetInputRGB(img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
