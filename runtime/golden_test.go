package runtime

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Fidelity bounds against the golden engine (Arm NN CpuRef), from
// ../shared/golden/README.md.
const (
	floatProbTol    = 1e-5 // float model: softmax output
	floatLogitTol   = 1e-4 // float model: softmax input
	quantLogitSteps = 3    // quantized classifiers: softmax input, every element
	quantOutSteps   = 16   // quantized classifiers: softmax output, every element
	quantOutEqual   = 0.97 // ... and at least this fraction bit-equal
	quantTieSteps   = 2    // top-1 may differ when the golden logits are this close
	embedSteps      = 5    // embedding extractor: every output
)

// goldenFile is the part of golden.json the tests read.
type goldenFile struct {
	Model   string `json:"model"`
	Results []struct {
		Image      string `json:"image"`
		InputFile  string `json:"input_file"`
		OutputFile string `json:"output_file"`
		LogitsFile string `json:"logits_file"`
		Top5       []struct {
			Index int `json:"index"`
		} `json:"top5"`
	} `json:"results"`
}

// goldenModels lists the model stems of ../shared/models.
func goldenModels(t *testing.T) []string {
	dir := fixtures.Path(t, "models")
	files, err := filepath.Glob(filepath.Join(dir, "*.tflite"))
	if err != nil || len(files) == 0 {
		fixtures.Missing(t, "no models in %s (%v)", dir, err)
	}
	var stems []string
	for _, f := range files {
		stems = append(stems, strings.TrimSuffix(filepath.Base(f), ".tflite"))
	}
	return stems
}

// goldenStats accumulates the worst differences seen for one model.
type goldenStats struct {
	logitSteps, outSteps int
	minEqual             float64
	floatLogit, floatOut float64
	top1Diffs            int
}

func TestGolden(t *testing.T) {
	for _, stem := range goldenModels(t) {
		t.Run(stem, func(t *testing.T) {
			dir := fixtures.Path(t, filepath.Join("golden", stem))
			data, err := os.ReadFile(filepath.Join(dir, "golden.json"))
			if err != nil {
				t.Fatal(err)
			}
			var g goldenFile
			if err := json.Unmarshal(data, &g); err != nil {
				t.Fatalf("golden.json: %v", err)
			}
			m, err := Load(fixtures.Path(t, filepath.Join("models", stem+".tflite")))
			if err != nil {
				t.Fatal(err)
			}
			first := map[string][]byte{} // threads 1 outputs, by image
			for _, threads := range []int{1, 2} {
				p, err := Compile(m, Options{Threads: threads})
				if err != nil {
					t.Fatalf("threads %d: %v", threads, err)
				}
				t.Logf("threads %d kernels: %v", threads, p.KernelsByType())
				st := goldenStats{minEqual: 1}
				for _, r := range g.Results {
					rgb, err := os.ReadFile(filepath.Join(dir, r.InputFile))
					if err != nil {
						t.Fatal(err)
					}
					if err := p.SetInputRGB(rgb); err != nil {
						t.Fatalf("%s: %v", r.Image, err)
					}
					if err := p.Run(); err != nil {
						t.Fatalf("%s: %v", r.Image, err)
					}
					checkGolden(t, p, dir, r.Image, r.OutputFile, r.LogitsFile, &st)
					if threads == 1 {
						first[r.Image] = bytes.Clone(p.OutputRaw())
					} else if !sameOutput(p.OutputType(), first[r.Image], p.OutputRaw()) {
						t.Errorf("%s: threads %d output differs from threads 1", r.Image, threads)
					}
				}
				p.Close()
				switch _, ok := p.LogitsRaw(); {
				case !ok:
					t.Logf("threads %d: %d images: max output diff %d steps, min equal %.1f%%",
						threads, len(g.Results), st.outSteps, 100*st.minEqual)
				case p.OutputType() == tflite.Float32:
					t.Logf("threads %d: %d images: max |prob diff| %.3g, max |logit diff| %.3g",
						threads, len(g.Results), st.floatOut, st.floatLogit)
				default:
					t.Logf("threads %d: %d images: max logit diff %d steps, max output diff %d steps, min equal %.1f%%, top-1 near-tie differences %d",
						threads, len(g.Results), st.logitSteps, st.outSteps, 100*st.minEqual, st.top1Diffs)
				}
			}
		})
	}
}

// checkGolden compares one image's output (and logits) with the golden files.
func checkGolden(t *testing.T, p *Plan, dir, image, outFile, logitsFile string, st *goldenStats) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join(dir, outFile))
	if err != nil {
		t.Fatal(err)
	}
	got := p.OutputRaw()
	if len(got) != len(want) {
		t.Fatalf("%s: output has %d bytes, golden %d", image, len(got), len(want))
	}
	var wantLogits, gotLogits []byte
	if logitsFile != "" {
		if wantLogits, err = os.ReadFile(filepath.Join(dir, logitsFile)); err != nil {
			t.Fatal(err)
		}
		var ok bool
		if gotLogits, ok = p.LogitsRaw(); !ok {
			t.Fatalf("%s: golden has logits but the plan reports no softmax", image)
		}
		if len(gotLogits) != len(wantLogits) {
			t.Fatalf("%s: logits have %d bytes, golden %d", image, len(gotLogits), len(wantLogits))
		}
	}
	top := p.TopK(1, nil)
	if p.OutputType() == tflite.Float32 {
		d := maxDiffF32(got, want)
		st.floatOut = max(st.floatOut, d)
		if d > floatProbTol {
			t.Errorf("%s: max |prob diff| %g > %g", image, d, floatProbTol)
		}
		if wantLogits != nil {
			d := maxDiffF32(gotLogits, wantLogits)
			st.floatLogit = max(st.floatLogit, d)
			if d > floatLogitTol {
				t.Errorf("%s: max |logit diff| %g > %g", image, d, floatLogitTol)
			}
		}
		if w := argmaxF32(want); top[0].Index != w {
			t.Errorf("%s: top-1 %d, golden %d", image, top[0].Index, w)
		}
		return
	}
	steps, equal := diffU8(got, want)
	frac := float64(equal) / float64(len(want))
	st.outSteps, st.minEqual = max(st.outSteps, steps), min(st.minEqual, frac)
	if wantLogits == nil { // embedding extractor
		if steps > embedSteps {
			t.Errorf("%s: output differs by %d steps > %d", image, steps, embedSteps)
		}
		return
	}
	if steps > quantOutSteps || frac < quantOutEqual {
		t.Errorf("%s: output differs by up to %d steps (bound %d), %.1f%% equal (bound %.0f%%)",
			image, steps, quantOutSteps, 100*frac, 100*quantOutEqual)
	}
	ls, _ := diffU8(gotLogits, wantLogits)
	st.logitSteps = max(st.logitSteps, ls)
	if ls > quantLogitSteps {
		t.Errorf("%s: logits differ by %d steps > %d", image, ls, quantLogitSteps)
	}
	if w := argmaxU8(want); top[0].Index != w {
		st.top1Diffs++
		if gap := absSteps(int(wantLogits[w]) - int(wantLogits[top[0].Index])); gap > quantTieSteps {
			t.Errorf("%s: top-1 %d, golden %d, golden logits %d steps apart", image, top[0].Index, w, gap)
		}
	}
}

// sameOutput compares outputs of two thread counts: quantized bit-exact,
// float32 within floatThreadTol.
func sameOutput(dt tflite.DType, a, b []byte) bool {
	if dt != tflite.Float32 {
		return bytes.Equal(a, b)
	}
	return len(a) == len(b) && maxDiffF32(a, b) <= floatThreadTol
}

func goldenF32At(b []byte, i int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
}

func maxDiffF32(a, b []byte) float64 {
	var d float64
	for i := range len(a) / 4 {
		d = max(d, math.Abs(float64(goldenF32At(a, i))-float64(goldenF32At(b, i))))
	}
	return d
}

func argmaxF32(b []byte) int {
	best := 0
	for i := range len(b) / 4 {
		if goldenF32At(b, i) > goldenF32At(b, best) {
			best = i
		}
	}
	return best
}

func argmaxU8(b []byte) int {
	best := 0
	for i, v := range b {
		if v > b[best] {
			best = i
		}
	}
	return best
}

// diffU8 returns the largest |a-b| and the number of equal bytes.
func diffU8(a, b []byte) (maxStepDiff, equal int) {
	for i := range a {
		d := absSteps(int(a[i]) - int(b[i]))
		maxStepDiff = max(maxStepDiff, d)
		if d == 0 {
			equal++
		}
	}
	return maxStepDiff, equal
}

func absSteps(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
