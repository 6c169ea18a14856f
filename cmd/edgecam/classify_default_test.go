package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/defaultmodel"
)

// patternPNG writes the synthetic camera's test pattern as a PNG.
func patternPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	camera.DrawPattern(img, 5)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "pattern.png")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Without -model, classify uses the embedded uint8 model and its labels;
// the text output leaves out the classes that scored 0 (most of a uint8
// model's 1001), and prints exactly the others of the top K.
func TestClassifyEmbeddedModelShowsNonZeroScores(t *testing.T) {
	img := patternPNG(t)
	var js, text, errb bytes.Buffer
	if err := run(context.Background(), []string{"classify", "-json", "-top", "400", img}, nil, &js, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var line classifyLine
	if err := json.Unmarshal(js.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line.OutputDType != "uint8" || len(line.Top) != 400 {
		t.Fatalf("output %s with %d classes, want the embedded uint8 model's top 400", line.OutputDType, len(line.Top))
	}
	labels := defaultmodel.Labels()
	var want []string
	for _, c := range line.Top {
		if c.Label != labels[c.Index] {
			t.Errorf("class %d labelled %q, want %q", c.Index, c.Label, labels[c.Index])
		}
		if c.Score > 0 {
			want = append(want, strconv.Itoa(c.Index)+"  "+c.Label)
		}
	}
	if len(want) == 0 || len(want) == 400 {
		t.Fatalf("%d of the top 400 scored above 0: the test needs some zero-score classes to leave out", len(want))
	}
	if err := run(context.Background(), []string{"classify", "-top", "400", img}, nil, &text, &errb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	if lines[0] != img || len(lines) != 1+len(want) {
		t.Fatalf("%d lines for %d classes above 0:\n%s", len(lines)-1, len(want), text.String())
	}
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if score, err := strconv.ParseFloat(f[0], 64); err != nil || score <= 0 || !strings.HasSuffix(l, want[i]) {
			t.Errorf("line %q, want a score above 0 and %q", l, want[i])
		}
	}
}
