package runtime

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
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

	// Visual wake words ("Proposed bounds" 4 and 5 of the README's VWW section).
	vwwFloatTol   = 1e-5      // float: logits and outputs
	vwwLogitSteps = 2         // int8: logits
	vwwOutSteps   = 4         // int8: outputs
	vwwTieProb    = 4.0 / 256 // top-1 may differ when the golden P(person) is this close to 0.5

	// MobileNet-V2 files ("Proposed bounds" of the README's V2 section).
	v2LogitSteps     = 8   // logits, every element (rule 1)
	v2LogitMeanSteps = 1.5 // ... and the mean |diff| of each image
	v2OutSteps       = 24  // outputs, every element, at least quantOutEqual equal (rule 2)
	v2TieSteps       = 4   // top-1 may differ when the golden logits are this close (rule 3)
)

// goldenBounds are the bounds one golden folder is held to.
type goldenBounds struct {
	floatProb, floatLogit float64 // float models
	logitSteps, outSteps  int     // quantized models, every element
	outEqual              float64 // ... and at least this fraction of outputs bit-equal
	logitMean             float64 // mean |logit diff| of each image in steps (0: not checked)
	// mayDiffer reports whether top-1 may differ from the golden one:
	// golden logits and outputs, the golden and the computed top-1.
	mayDiffer func(p *Plan, wantLogits, wantOut []byte, golden, got int) bool
}

// classifierBounds hold for the ImageNet classifiers.
var classifierBounds = goldenBounds{
	floatProb: floatProbTol, floatLogit: floatLogitTol,
	logitSteps: quantLogitSteps, outSteps: quantOutSteps, outEqual: quantOutEqual,
	mayDiffer: func(p *Plan, wantLogits, _ []byte, golden, got int) bool {
		dt := p.LogitsType()
		return absSteps(quantAt(dt, wantLogits, golden)-quantAt(dt, wantLogits, got)) <= quantTieSteps
	},
}

// vwwBounds hold for the visual-wake-words models: two classes, so no
// fraction of equal outputs (the step bound is the whole statement).
var vwwBounds = goldenBounds{
	floatProb: vwwFloatTol, floatLogit: vwwFloatTol,
	logitSteps: vwwLogitSteps, outSteps: vwwOutSteps, outEqual: 0,
	mayDiffer: func(p *Plan, _, wantOut []byte, _, _ int) bool {
		q := p.model.Tensors[p.model.Outputs[0]].Quant
		person := float64(q.Scale[0]) * float64(int64(quantAt(p.OutputType(), wantOut, 1))-q.ZeroPoint[0])
		return math.Abs(person-0.5) <= vwwTieProb
	},
}

// v2Bounds hold for the MobileNet-V2 files, whose residual ADDs move the
// logits further from the golden engine's than MobileNet-V1's.
var v2Bounds = goldenBounds{
	floatProb: floatProbTol, floatLogit: floatLogitTol,
	logitSteps: v2LogitSteps, outSteps: v2OutSteps, outEqual: quantOutEqual, logitMean: v2LogitMeanSteps,
	mayDiffer: func(p *Plan, wantLogits, _ []byte, golden, got int) bool {
		dt := p.LogitsType()
		return absSteps(quantAt(dt, wantLogits, golden)-quantAt(dt, wantLogits, got)) <= v2TieSteps
	},
}

// goldenSetup is how a golden folder's inputs were fed and the bounds its
// outputs are held to (../shared/golden/README.md): the VWW models were
// trained on x/255, so the float one is fed with mean 0 and std 255 (as
// `-mean 0 -std 255`) and the int8 one takes the default (byte minus 128,
// which is exactly x/255 in its quantization); every other model takes its
// default input. A model with ADD is MobileNet-V2 and gets its bounds.
func goldenSetup(stem string, m *tflite.Model) (*Normalization, goldenBounds) {
	if strings.HasPrefix(stem, "vww_") {
		var n *Normalization
		if strings.Contains(stem, "float") {
			x255 := UniformNormalization(0, 255)
			n = &x255
		}
		return n, vwwBounds
	}
	if slices.ContainsFunc(m.Ops, func(op tflite.Op) bool { return op.Kind == tflite.OpAdd }) {
		return nil, v2Bounds
	}
	return nil, classifierBounds
}

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
	logitMean            float64 // worst per-image mean |logit diff| in steps
	minEqual             float64
	floatLogit, floatOut float64
	top1Diffs            int
}

func TestGolden(t *testing.T) {
	for _, stem := range goldenModels(t) {
		if stem == ssdGoldenStem {
			continue // the detector's golden set has its own layout: TestGoldenDetect_ssd
		}
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
			if len(g.Results) > 0 && g.Results[0].OutputFile == "" {
				t.Fatal("a detector golden set other than the SSD one: add it to TestGoldenDetect_ssd's comparison of boxes, classes and scores")
			}
			norm, bounds := goldenSetup(stem, m)
			first := map[string][]byte{} // threads 1 outputs, by image
			for _, threads := range []int{1, 2} {
				p, err := Compile(m, Options{Threads: threads})
				if err != nil {
					t.Fatalf("threads %d: %v", threads, err)
				}
				if err := p.SetNormalization(norm); err != nil {
					t.Fatal(err)
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
					checkGolden(t, p, dir, r.Image, r.OutputFile, r.LogitsFile, bounds, &st)
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
					t.Logf("threads %d: %d images: max logit diff %d steps (worst image mean %.2f), max output diff %d steps, min equal %.1f%%, top-1 near-tie differences %d",
						threads, len(g.Results), st.logitSteps, st.logitMean, st.outSteps, 100*st.minEqual, st.top1Diffs)
				}
			}
		})
	}
}

// checkGolden compares one image's output (and logits) with the golden files.
func checkGolden(t *testing.T, p *Plan, dir, image, outFile, logitsFile string, b goldenBounds, st *goldenStats) {
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
		if d > b.floatProb {
			t.Errorf("%s: max |prob diff| %g > %g", image, d, b.floatProb)
		}
		if wantLogits != nil {
			d := maxDiffF32(gotLogits, wantLogits)
			st.floatLogit = max(st.floatLogit, d)
			if d > b.floatLogit {
				t.Errorf("%s: max |logit diff| %g > %g", image, d, b.floatLogit)
			}
		}
		if w := argmaxF32(want); top[0].Index != w {
			t.Errorf("%s: top-1 %d, golden %d", image, top[0].Index, w)
		}
		return
	}
	steps, equal, _ := diffQuant(p.OutputType(), got, want)
	frac := float64(equal) / float64(len(want))
	st.outSteps, st.minEqual = max(st.outSteps, steps), min(st.minEqual, frac)
	if wantLogits == nil { // embedding extractor
		if steps > embedSteps {
			t.Errorf("%s: output differs by %d steps > %d", image, steps, embedSteps)
		}
		return
	}
	if steps > b.outSteps || frac < b.outEqual {
		t.Errorf("%s: output differs by up to %d steps (bound %d), %.1f%% equal (bound %.0f%%)",
			image, steps, b.outSteps, 100*frac, 100*b.outEqual)
	}
	ls, _, sum := diffQuant(p.LogitsType(), gotLogits, wantLogits)
	mean := float64(sum) / float64(len(wantLogits))
	st.logitSteps, st.logitMean = max(st.logitSteps, ls), max(st.logitMean, mean)
	if ls > b.logitSteps {
		t.Errorf("%s: logits differ by %d steps > %d", image, ls, b.logitSteps)
	}
	if b.logitMean > 0 && mean > b.logitMean {
		t.Errorf("%s: logits differ by %.2f steps on average > %.1f", image, mean, b.logitMean)
	}
	if w := argmaxQuant(p.OutputType(), want); top[0].Index != w {
		st.top1Diffs++
		if !b.mayDiffer(p, wantLogits, want, w, top[0].Index) {
			t.Errorf("%s: top-1 %d, golden %d, not a near tie of the golden outputs", image, top[0].Index, w)
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

// quantAt is element i of a raw uint8 or int8 tensor.
func quantAt(dt tflite.DType, b []byte, i int) int {
	if dt == tflite.Int8 {
		return int(int8(b[i]))
	}
	return int(b[i])
}

// argmaxQuant is the first index of the largest element of a raw uint8 or
// int8 tensor.
func argmaxQuant(dt tflite.DType, b []byte) int {
	best := 0
	for i := range b {
		if quantAt(dt, b, i) > quantAt(dt, b, best) {
			best = i
		}
	}
	return best
}

// diffQuant returns the largest |a-b| of two raw uint8 or int8 tensors, the
// number of equal elements and the sum of |a-b|.
func diffQuant(dt tflite.DType, a, b []byte) (maxStepDiff, equal, sum int) {
	for i := range a {
		d := absSteps(quantAt(dt, a, i) - quantAt(dt, b, i))
		maxStepDiff, sum = max(maxStepDiff, d), sum+d
		if d == 0 {
			equal++
		}
	}
	return maxStepDiff, equal, sum
}

func absSteps(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
