package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// classifyGolden is the part of a golden.json the classify tests read.
type classifyGolden struct {
	Results []struct {
		InputFile string `json:"input_file"`
		Top5      []struct {
			Index   int     `json:"index"`
			Label   string  `json:"label"`
			ScoreU8 *int    `json:"score_u8"`
			Score   float64 `json:"score"`
		} `json:"top5"`
	} `json:"results"`
}

func readClassifyGolden(t *testing.T, stem string) (dir string, g classifyGolden) {
	t.Helper()
	dir = fixtures.Path(t, filepath.Join("golden", stem))
	data, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("golden.json: %v", err)
	}
	return dir, g
}

// TestClassifyJSONMatchesGolden classifies every golden input of a uint8 and
// the float model through run and checks top-1, labels and the output fields.
func TestClassifyJSONMatchesGolden(t *testing.T) {
	for _, tc := range []struct {
		stem, dtype string
		logits      bool
	}{
		{"mobilenet_v1_0.25_128_quant", "uint8", true},
		{"mobilenet_v1_0.25_224", "float32", true},
	} {
		t.Run(tc.stem, func(t *testing.T) {
			model := fixtures.Path(t, filepath.Join("models", tc.stem+".tflite"))
			dir, g := readClassifyGolden(t, tc.stem)
			args := []string{"classify", "-model", model, "-json", "-top", "3", "-threads", "2"}
			for _, r := range g.Results {
				args = append(args, filepath.Join(dir, r.InputFile))
			}
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), args, nil, &stdout, &stderr); err != nil {
				t.Fatalf("classify: %v (stderr %q)", err, stderr.String())
			}
			sc := bufio.NewScanner(&stdout)
			sc.Buffer(nil, 1<<20)
			i := 0
			for ; sc.Scan(); i++ {
				if i >= len(g.Results) {
					t.Fatalf("more output lines than inputs: %q", sc.Text())
				}
				var line struct {
					Input       string
					Top         []classifyClass
					Output      []float64
					OutputDType string `json:"output_dtype"`
					Logits      []float64
				}
				if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Fatalf("line %d: %v", i, err)
				}
				r := g.Results[i]
				if filepath.Base(line.Input) != r.InputFile {
					t.Errorf("line %d: input %q, want %q", i, line.Input, r.InputFile)
				}
				if len(line.Top) != 3 || len(line.Output) != 1001 || line.OutputDType != tc.dtype {
					t.Fatalf("line %d: %d top entries, %d outputs, dtype %q; want 3, 1001, %q", i, len(line.Top), len(line.Output), line.OutputDType, tc.dtype)
				}
				if tc.logits != (len(line.Logits) == 1001) {
					t.Errorf("line %d: %d logits", i, len(line.Logits))
				}
				want := r.Top5[0]
				got := line.Top[0]
				tie := want.ScoreU8 != nil && r.Top5[1].ScoreU8 != nil && *want.ScoreU8 == *r.Top5[1].ScoreU8 && got.Index == r.Top5[1].Index
				if (got.Index != want.Index || got.Label != want.Label) && !tie {
					t.Errorf("%s: top-1 %d %q, golden %d %q", r.InputFile, got.Index, got.Label, want.Index, want.Label)
				}
				if line.Top[0].Score < line.Top[1].Score || line.Top[1].Score < line.Top[2].Score {
					t.Errorf("%s: top not sorted: %+v", r.InputFile, line.Top)
				}
				if tc.dtype == "uint8" {
					if raw := line.Output[got.Index]; float32(raw)/256 != float32(got.Score) {
						t.Errorf("%s: raw output %v does not match score %v", r.InputFile, raw, got.Score)
					}
				} else if float32(line.Output[got.Index]) != float32(got.Score) {
					t.Errorf("%s: output %v does not match score %v", r.InputFile, line.Output[got.Index], got.Score)
				}
			}
			if i != len(g.Results) {
				t.Errorf("%d output lines for %d inputs", i, len(g.Results))
			}
		})
	}
}

func TestClassifyText(t *testing.T) {
	model := fixtures.Path(t, "models/mobilenet_v1_0.25_128_quant.tflite")
	for _, img := range []string{
		fixtures.Path(t, "golden/mobilenet_v1_0.25_128_quant/cat.rgb"),
		fixtures.Path(t, "images/cat.png"), // decoded, cropped and resized by imageinput.LoadRGB
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"classify", "-model", model, "-top", "2", "-threads", "1", "-kernels", "generic", img}, nil, &stdout, &stderr)
		if err != nil {
			t.Fatalf("classify %s: %v", img, err)
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		if len(lines) != 3 || lines[0] != img || !strings.HasSuffix(lines[1], "286  Egyptian cat") {
			t.Errorf("output %q: want the input, then 2 classes led by 286 Egyptian cat", stdout.String())
		}
	}
}

func TestClassifyErrors(t *testing.T) {
	model := fixtures.Path(t, "models/mobilenet_v1_0.25_128_quant.tflite")
	wrongSize := fixtures.Path(t, "golden/mobilenet_v1_0.25_224/cat.rgb")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		// Without -model the embedded model is used: the image is what is missing.
		{"no model, missing image", []string{"classify", "x.png"}, 1, "open x.png"},
		{"no inputs", []string{"classify", "-model", model}, 2, "no input images"},
		{"no model, no inputs", []string{"classify"}, 2, "no input images"},
		{"bad top", []string{"classify", "-model", model, "-top", "0", wrongSize}, 2, "-top"},
		{"bad kernels", []string{"classify", "-model", model, "-kernels", "turbo", wrongSize}, 2, `-kernels: unknown kernel level "turbo"`},
		{"wrong size", []string{"classify", "-model", model, wrongSize}, 1, "150528 bytes"},
		{"missing file", []string{"classify", "-model", model, "/nonexistent.png"}, 1, "nonexistent.png"},
		{"missing model", []string{"classify", "-model", "/nonexistent.tflite", wrongSize}, 1, "nonexistent.tflite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, nil, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr.String(), tc.code, tc.msg)
			}
		})
	}
}
