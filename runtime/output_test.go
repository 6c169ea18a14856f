package runtime

import (
	"math"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// TestTopKOrder writes known values into the output tensor and checks the
// ranking: descending score, ties by ascending index, k clamped to the size.
func TestTopKOrder(t *testing.T) {
	p := compilePlanT(t, tinyNet(schemeU8, 10, 1), Options{Threads: 1})
	// Output: uint8 with scale 1/256, zero point 0; int8 domain q-128.
	copy(p.out.i8, []int8{-128 + 10, -128 + 30, -128 + 30, -128 + 5, -128 + 30})
	got := p.TopK(4, make([]Class, 0, 4))
	want := []Class{{1, 30.0 / 256}, {2, 30.0 / 256}, {4, 30.0 / 256}, {0, 10.0 / 256}}
	if !slices.Equal(got, want) {
		t.Errorf("TopK(4) = %v, want %v", got, want)
	}
	if got := p.TopK(99, nil); len(got) != 5 || got[4] != (Class{3, 5.0 / 256}) {
		t.Errorf("TopK(99) = %v, want all 5 classes ending with {3 %v}", got, 5.0/256)
	}
	if got := p.TopK(0, nil); len(got) != 0 {
		t.Errorf("TopK(0) = %v, want empty", got)
	}
	if raw := p.OutputRaw(); !slices.Equal(raw, []byte{10, 30, 30, 5, 30}) {
		t.Errorf("OutputRaw = %v, want the uint8 bytes 10 30 30 5 30", raw)
	}
	if f := p.OutputFloat(nil); f[1] != 30.0/256 || f[3] != 5.0/256 {
		t.Errorf("OutputFloat = %v, want q/256", f)
	}

	pf := compilePlanT(t, tinyNet(schemeF32, 10, 1), Options{Threads: 1})
	nan := float32(math.NaN())
	copy(pf.out.f32, []float32{0.25, nan, 0.5, 0.25, -1})
	got = pf.TopK(3, nil)
	want = []Class{{2, 0.5}, {0, 0.25}, {3, 0.25}}
	if !slices.Equal(got, want) {
		t.Errorf("float TopK(3) = %v, want %v (NaN last)", got, want)
	}
	raw := pf.OutputRaw()
	if len(raw) != 20 || goldenF32At(raw, 2) != 0.5 || goldenF32At(raw, 4) != -1 {
		t.Errorf("float OutputRaw = %v, want little-endian float32 of the output", raw)
	}
}

// TestSetInputRGBConversions checks each scheme's input convention.
func TestSetInputRGBConversions(t *testing.T) {
	img := planTestImage(10, 10, 5)
	img[0], img[1], img[2] = 0, 128, 255
	pf := compilePlanT(t, tinyNet(schemeF32, 10, 1), Options{Threads: 1})
	if err := pf.SetInputRGB(img); err != nil {
		t.Fatal(err)
	}
	for i, x := range img {
		if want := (float32(x) - 127.5) / 127.5; pf.in.f32[i] != want {
			t.Fatalf("float input[%d] = %v, want %v", i, pf.in.f32[i], want)
		}
	}
	for _, sc := range []tinyScheme{schemeU8, schemeI8} {
		p := compilePlanT(t, tinyNet(sc, 10, 1), Options{Threads: 1})
		if err := p.SetInputRGB(img); err != nil {
			t.Fatal(err)
		}
		for i, x := range img {
			if want := int8(int(x) - 128); p.in.i8[i] != want {
				t.Fatalf("%v input[%d] = %d, want %d", sc, i, p.in.i8[i], want)
			}
		}
	}
	if got := pf.InputType(); got != tflite.Float32 {
		t.Errorf("InputType = %v, want float32", got)
	}
	if h, w, c := pf.InputShape(); h != 10 || w != 10 || c != 3 {
		t.Errorf("InputShape = %d %d %d, want 10 10 3", h, w, c)
	}
}
