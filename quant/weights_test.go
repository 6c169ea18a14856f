package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomWeights returns weights of shape whose channels along axis have
// very different magnitudes (one channel all zero), as real conv layers do.
func randomWeights(r *rand.Rand, shape []int, axis int) []float32 {
	channels, inner, _ := channelLayout(shape, axis)
	w := make([]float32, elems(shape))
	for i := range w {
		c := (i / inner) % channels
		if c == 1 {
			continue // an all-zero channel
		}
		mag := math.Pow(10, float64(c%5)-3)
		w[i] = float32(r.NormFloat64() * mag)
	}
	return w
}

func TestQuantizeWeightsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name  string
		shape []int
		axis  int
	}{
		{"conv_OHWI", []int{17, 3, 3, 3}, 0},
		{"pointwise", []int{16, 1, 1, 24}, 0},
		{"depthwise_1HWC", []int{1, 3, 3, 15}, 3},
		{"fully_connected", []int{7, 12}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := randomWeights(r, tc.shape, tc.axis)
			cw, err := QuantizeWeights(w, tc.shape, tc.axis)
			if err != nil {
				t.Fatal(err)
			}
			channels, inner, _ := channelLayout(tc.shape, tc.axis)
			if len(cw.Scale) != channels {
				t.Fatalf("%d scales, want %d", len(cw.Scale), channels)
			}
			dq, err := cw.Dequantize(tc.shape)
			if err != nil {
				t.Fatal(err)
			}
			maxQ := make([]int, channels)
			for i := range w {
				c := (i / inner) % channels
				// Half a step, plus float32 rounding of scale*q.
				bound := float64(cw.Scale[c])/2 + 1e-6*math.Abs(float64(w[i]))
				if d := math.Abs(float64(w[i]) - float64(dq[i])); d > bound {
					t.Fatalf("element %d (channel %d): |%v - %v| = %v > half step %v", i, c, w[i], dq[i], d, bound)
				}
				maxQ[c] = max(maxQ[c], int(math.Abs(float64(cw.Q[i]))))
			}
			for c := range channels {
				want := QMaxWeight
				if c == 1 {
					want = 0
					if cw.Scale[c] != 1 {
						t.Errorf("zero channel scale %v, want 1", cw.Scale[c])
					}
				}
				if maxQ[c] != want {
					t.Errorf("channel %d: max |q| = %d, want %d (scale = max|w|/127)", c, maxQ[c], want)
				}
			}
		})
	}
}

func TestQuantizeWeightsExact(t *testing.T) {
	// Channel 0: max 1.27 -> scale 0.01; channel 1: max 2.54 -> scale 0.02.
	w := []float32{1.27, -2.54, 0.005, 0.03, -0.015, 1}
	cw, err := QuantizeWeights(w, []int{3, 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantQ := []int8{127, -127, 1, 2, -2, 50} // 0.5 and -1.5 and 1.5 round away from zero
	for i := range wantQ {
		if cw.Q[i] != wantQ[i] {
			t.Errorf("q[%d] = %d, want %d (all %v)", i, cw.Q[i], wantQ[i], cw.Q)
		}
	}
	if math.Abs(float64(cw.Scale[0])-0.01) > 1e-9 || math.Abs(float64(cw.Scale[1])-0.02) > 1e-9 {
		t.Errorf("scales %v, want [0.01 0.02]", cw.Scale)
	}
}

func TestQuantizeWeightsErrors(t *testing.T) {
	if _, err := QuantizeWeights([]float32{1, 2}, []int{3}, 0); err == nil {
		t.Error("size mismatch accepted")
	}
	if _, err := QuantizeWeights([]float32{1, 2}, []int{2}, 1); err == nil {
		t.Error("axis outside shape accepted")
	}
	if _, err := QuantizeWeights([]float32{1, float32(math.NaN())}, []int{2}, 0); err == nil {
		t.Error("NaN weight accepted")
	}
	if _, _, err := QuantizeBias([]float32{1}, 0.1, []float32{0.1, 0.2}); err == nil {
		t.Error("bias/scale count mismatch accepted")
	}
	if _, _, err := QuantizeBias([]float32{1}, 0, []float32{0.1}); err == nil {
		t.Error("zero bias scale accepted")
	}
}

func TestQuantizeBias(t *testing.T) {
	q, s, err := QuantizeBias([]float32{0.5, -0.25, 1e30}, 0.01, []float32{0.1, 0.05, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{500, -500, math.MaxInt32}
	for i := range want {
		if q[i] != want[i] {
			t.Errorf("bias[%d] = %d, want %d", i, q[i], want[i])
		}
	}
	if math.Abs(float64(s[1])-0.0005) > 1e-10 {
		t.Errorf("bias scale %v, want 0.0005", s[1])
	}
}

// TestQuantizedDotProduct checks that an int8 dot product with asymmetric
// activations and per-channel symmetric weights, as the int8 kernels compute
// it, stays within the error bound that follows from half-step rounding of
// both operands: |Σxw - sx*sw*Σ(qx-zx)qw| <= Σ(|w|*sx/2 + |x|*sw/2 + sx*sw/4).
func TestQuantizedDotProduct(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const k, n = 288, 8 // a 3x3x32 conv window, 8 output channels
	w := randomWeights(r, []int{n, k}, 0)
	cw, err := QuantizeWeights(w, []int{n, k}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for trial := range 20 {
		x := make([]float32, k)
		for i := range x {
			x[i] = float32(max(0, min(6, r.NormFloat64()*2+1))) // a ReLU6 activation
		}
		a, err := AffineFromRange(0, 6)
		if err != nil {
			t.Fatal(err)
		}
		for c := range n {
			var exact, bound float64
			var acc int32
			sw := float64(cw.Scale[c])
			for i := range k {
				xv, wv := float64(x[i]), float64(w[c*k+i])
				exact += xv * wv
				acc += (int32(a.Quantize(x[i])) - a.ZeroPoint) * int32(cw.Q[c*k+i])
				bound += math.Abs(wv)*float64(a.Scale)/2 + math.Abs(xv)*sw/2 + float64(a.Scale)*sw/4
			}
			got := float64(a.Scale) * sw * float64(acc)
			if d := math.Abs(got - exact); d > bound {
				t.Fatalf("trial %d channel %d: |%v - %v| = %v > bound %v", trial, c, got, exact, d, bound)
			}
			// Rounding errors are independent, so the typical error is far
			// below the worst case; a systematic bug (wrong zero point, wrong
			// channel scale) lands near or above it.
			if d := math.Abs(got - exact); d > bound/4 && bound > 0 {
				t.Errorf("trial %d channel %d: error %v is over a quarter of the worst-case bound %v", trial, c, d, bound)
			}
		}
	}
}
