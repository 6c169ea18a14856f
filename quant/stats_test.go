package quant

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHistogramQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var h histogram
	var all []float64
	// Values arrive with growing magnitude, forcing several re-binnings.
	for _, scale := range []float64{0.01, 0.5, 3, 40} {
		v := make([]float32, 5000)
		for i := range v {
			v[i] = float32(r.NormFloat64() * scale)
			all = append(all, float64(v[i]))
		}
		h.add(v)
	}
	slices.Sort(all)
	width := 2 * h.r / histBins
	for _, p := range []float64{0.0001, 0.01, 0.5, 0.9, 0.999, 0.9999} {
		want := all[int(p*float64(len(all)-1))]
		got := h.quantile(p)
		if math.Abs(got-want) > 2*width {
			t.Errorf("quantile %v = %v, want %v within 2 bins (%v)", p, got, want, 2*width)
		}
	}
	if h.total != uint64(len(all)) {
		t.Errorf("total %d, want %d", h.total, len(all))
	}
}

func TestHistogramZerosFirst(t *testing.T) {
	var h histogram
	h.add([]float32{0, 0, 0, 0})
	h.add([]float32{1, 2, 3, 4})
	if got := h.quantile(0.25); math.Abs(got) > 4.0/histBins*2 {
		t.Errorf("quantile 0.25 = %v, want about 0 (zeros seen before the range was known)", got)
	}
	if got := h.quantile(1); math.Abs(got-4) > 8.0/histBins*2 {
		t.Errorf("quantile 1 = %v, want about 4", got)
	}
}

func TestStatsRange(t *testing.T) {
	st := NewStats(3)
	v := make([]float32, 100000)
	for i := range v {
		v[i] = float32(i%1000) / 1000 * 6 // uniform in [0, 6)
	}
	v[0] = 60 // one outlier
	st.Observe(0, 1, v)
	st.Observe(0, 7, v) // out of range: ignored
	if st.Tensors[0] != nil || st.Tensors[2] != nil {
		t.Fatal("unobserved tensors have statistics")
	}
	lo, hi, ok := st.Tensors[1].Range(MinMax, 0)
	if !ok || lo != 0 || hi != 60 {
		t.Errorf("minmax = [%v, %v] %v, want [0, 60]", lo, hi, ok)
	}
	lo, hi, ok = st.Tensors[1].Range(Percentile, 99.9)
	if !ok || lo < 0 || lo > 0.1 || math.Abs(float64(hi)-5.994) > 0.1 {
		t.Errorf("percentile 99.9 = [%v, %v], want about [0, 5.99] (outlier clipped)", lo, hi)
	}
	var empty *TensorStats
	if _, _, ok := empty.Range(MinMax, 0); ok {
		t.Error("empty stats report a range")
	}
}

func TestParseMethod(t *testing.T) {
	for _, m := range []Method{MinMax, Percentile} {
		got, err := ParseMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMethod("kl"); err == nil {
		t.Error("unknown method accepted")
	}
}
