package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
)

// vwwGolden is the part of a VWW golden.json the tests read.
type vwwGolden struct {
	Results []struct {
		InputFile  string `json:"input_file"`
		OutputFile string `json:"output_file"`
		Top1       struct {
			Index int `json:"index"`
		} `json:"top1"`
	} `json:"results"`
}

// classifyJSONLines runs classify with -json and returns one line per input.
func classifyJSONLines(t *testing.T, args ...string) []classifyLineJSON {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), append([]string{"classify", "-json", "-threads", "1"}, args...), nil, &stdout, &stderr); err != nil {
		t.Fatalf("classify %q: %v (stderr %q)", args, err, stderr.String())
	}
	var lines []classifyLineJSON
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l classifyLineJSON
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

type classifyLineJSON struct {
	Input  string
	Top    []classifyClass
	Output []float64
}

// TestClassifyVWWNormalization classifies every golden image with the VWW
// models: the float one fed x/255 by -mean 0 -std 255 and the int8 one
// with no flags (the byte minus 128) agree with the golden class and
// outputs (../shared/golden/README.md, VWW bounds 4 and 5); without the
// flags the float model is fed (x-127.5)/127.5, which it was not trained
// on, and its outputs move far from the golden ones.
func TestClassifyVWWNormalization(t *testing.T) {
	for _, tc := range []struct {
		stem  string
		flags []string
	}{
		{"vww_96_float", []string{"-mean", "0", "-std", "255"}},
		{"vww_96_int8", nil},
	} {
		t.Run(tc.stem, func(t *testing.T) {
			dir := fixtures.Path(t, filepath.Join("golden", tc.stem))
			data, err := os.ReadFile(filepath.Join(dir, "golden.json"))
			if err != nil {
				t.Fatal(err)
			}
			var g vwwGolden
			if err := json.Unmarshal(data, &g); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-model", fixtures.Path(t, "models/"+tc.stem+".tflite"), "-top", "2"}, tc.flags...)
			for _, r := range g.Results {
				args = append(args, filepath.Join(dir, r.InputFile))
			}
			lines := classifyJSONLines(t, args...)
			if len(lines) != len(g.Results) {
				t.Fatalf("%d lines for %d images", len(lines), len(g.Results))
			}
			for i, r := range g.Results {
				want := goldenVWWOutput(t, filepath.Join(dir, r.OutputFile))
				l := lines[i]
				if l.Top[0].Index != r.Top1.Index {
					t.Errorf("%s: class %d, golden %d", r.InputFile, l.Top[0].Index, r.Top1.Index)
				}
				for k := range want {
					if d := math.Abs(l.Output[k] - want[k]); (tc.flags != nil && d > 1e-5) || (tc.flags == nil && d > 4) {
						t.Errorf("%s: output[%d] %v, golden %v", r.InputFile, k, l.Output[k], want[k])
					}
				}
			}
			if tc.flags == nil {
				return
			}
			// The default (x-127.5)/127.5 is a different input.
			plain := classifyJSONLines(t, slicesWithout(args, tc.flags)...)
			for i, r := range g.Results {
				want := goldenVWWOutput(t, filepath.Join(dir, r.OutputFile))
				if d := math.Abs(plain[i].Output[1] - want[1]); d < 1e-3 {
					t.Errorf("%s: without -mean/-std P(person) %v is within %v of golden %v", r.InputFile, plain[i].Output[1], d, want[1])
				}
			}
		})
	}
}

// goldenVWWOutput reads a golden [1,2] output: float32 probabilities, or
// the raw int8 values.
func goldenVWWOutput(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".f32") {
		return []float64{
			float64(math.Float32frombits(binary.LittleEndian.Uint32(b))),
			float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))),
		}
	}
	return []float64{float64(int8(b[0])), float64(int8(b[1]))}
}

// slicesWithout returns args without the elements of drop (in order).
func slicesWithout(args, drop []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if i+len(drop) <= len(args) && strings.Join(args[i:i+len(drop)], "\x00") == strings.Join(drop, "\x00") {
			i += len(drop) - 1
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// TestClassifyEmbeddedLabels classifies with models whose labels are packed
// in them, alone in a directory: the names come from the model's metadata
// (the Coral file's full WordNet names), and -labels still wins.
func TestClassifyEmbeddedLabels(t *testing.T) {
	full, err := runtime.LoadLabels(fixtures.Path(t, "models/imagenet_labels_full.txt"))
	if err != nil {
		t.Fatal(err)
	}
	short, err := runtime.LoadLabels(fixtures.Path(t, "models/labels.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stem  string
		names []string
	}{
		{"coral_mlir_mobilenet_v1_0.25_128_quant", full},
		{"mobilenet_v1_0.25_224_quant", short},
	} {
		t.Run(tc.stem, func(t *testing.T) {
			model := filepath.Join(t.TempDir(), "model.tflite")
			if err := os.Symlink(fixtures.Path(t, "models/"+tc.stem+".tflite"), model); err != nil {
				t.Fatal(err)
			}
			dir, g := readClassifyGolden(t, tc.stem)
			img := filepath.Join(dir, g.Results[0].InputFile)
			want := g.Results[0].Top5[0].Index
			l := classifyJSONLines(t, "-model", model, img)
			if l[0].Top[0].Index != want || l[0].Top[0].Label != tc.names[want] {
				t.Errorf("top-1 %d %q, want %d %q", l[0].Top[0].Index, l[0].Top[0].Label, want, tc.names[want])
			}
			other := filepath.Join(t.TempDir(), "numbers.txt")
			var b strings.Builder
			for i := range 1001 {
				fmt.Fprintf(&b, "n%d\n", i)
			}
			if err := os.WriteFile(other, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			l = classifyJSONLines(t, "-model", model, "-labels", other, img)
			if l[0].Top[0].Label != fmt.Sprintf("n%d", want) {
				t.Errorf("with -labels: label %q, want n%d", l[0].Top[0].Label, want)
			}
		})
	}
}

// TestInputFlagErrors checks -mean and -std on each command that takes them.
func TestInputFlagErrors(t *testing.T) {
	for _, cmd := range [][]string{
		{"classify", "-model", "m.tflite", "x.png"},
		{"run", "-model", "m.tflite", "-source", "synthetic"},
		{"quantize", "-model", "m.tflite", "-calib", "synthetic", "-out", "o.tflite"},
	} {
		for _, tc := range []struct {
			flags []string
			want  string
		}{
			{[]string{"-mean", "0"}, "-mean and -std go together"},
			{[]string{"-std", "255"}, "-mean and -std go together"},
			{[]string{"-mean", "1,2", "-std", "1"}, "want one value or three"},
			{[]string{"-mean", "x", "-std", "1"}, `-mean "x"`},
			{[]string{"-mean", "0", "-std", "1,0,1"}, "std[1] is 0"},
		} {
			args := append(append([]string{cmd[0]}, tc.flags...), cmd[1:]...)
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, nil, &stdout, &stderr)
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), cmd[0]+":") {
				t.Errorf("%q: %v, want a usage error of %s containing %q", args, err, cmd[0], tc.want)
			}
		}
	}
}

// TestRunNormalization runs the VWW float model on a cat through the file
// source: fed x/255 (-mean 0 -std 255) it is sure there is no person, as
// the golden run is (P(notperson) 0.96); fed (x-127.5)/127.5 it is not.
func TestRunNormalization(t *testing.T) {
	model := fixtures.Path(t, "models/vww_96_float.tflite")
	img := fixtures.Path(t, "images/cat.png")
	score := func(flags ...string) float32 {
		var out, errb bytes.Buffer
		args := append([]string{"run", "-model", model, "-source", img, "-fps", "0", "-frames", "1", "-top", "2"}, flags...)
		if err := run(context.Background(), args, nil, &out, &errb); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, errb.String())
		}
		rs := parseResults(t, out.String())
		if len(rs) != 1 {
			t.Fatalf("%d results", len(rs))
		}
		for _, c := range rs[0].Top {
			if c.Index == 0 {
				return c.Score
			}
		}
		t.Fatalf("no class 0 in %+v", rs[0].Top)
		return 0
	}
	with, without := score("-mean", "0", "-std", "255"), score()
	t.Logf("P(notperson): %v with -mean 0 -std 255, %v without", with, without)
	if with < 0.9 {
		t.Errorf("-mean 0 -std 255: P(notperson) %v, want > 0.9", with)
	}
	if without > 0.8 {
		t.Errorf("no flags: P(notperson) %v, want the model off its training input (< 0.8)", without)
	}
}
