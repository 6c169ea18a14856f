package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nanLine is a run result line decoded with scores that may be null.
type nanLine struct {
	Seq       uint64 `json:"seq"`
	NonFinite bool   `json:"non_finite"`
	Top       []struct {
		Index int      `json:"index"`
		Score *float32 `json:"score"`
	} `json:"top"`
}

// TestRunNaNScoresStillWritten: a model with NaN weights gives NaN scores.
// Every frame must still be written (null scores, marked non_finite),
// counted as a bad result, and later frames must go on.
func TestRunNaNScoresStillWritten(t *testing.T) {
	model := nanModel(t)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"run", "-model", model, "-source", "synthetic", "-size", "64x48", "-fps", "0", "-frames", "3", "-top", "2"}, nil, &out, &errb)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	sc := bufio.NewScanner(&out)
	n := 0
	for ; sc.Scan(); n++ {
		var l nanLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d is not JSON: %v: %q", n, err, sc.Text())
		}
		if !l.NonFinite || len(l.Top) != 2 || l.Top[0].Score != nil || l.Top[1].Score != nil || l.Seq != uint64(n+1) {
			t.Errorf("line %d: %s; want seq %d, non_finite, two null scores", n, sc.Text(), n+1)
		}
	}
	if n != 3 {
		t.Fatalf("%d result lines, want 3:\n%s", n, out.String())
	}
	if !strings.Contains(errb.String(), "3 frames,") || !strings.Contains(errb.String(), "3 bad results (NaN or Inf scores)") {
		t.Errorf("summary does not count the bad results:\n%s", errb.String())
	}
}

// TestRunHTTPNaNScores: /api/latest serves the latest result with its null
// scores instead of staying 503, and /metrics counts the bad results.
func TestRunHTTPNaNScores(t *testing.T) {
	model := nanModel(t)
	base, errb, stop := startRun(t, []string{"run", "-model", model, "-source", "synthetic", "-size", "64x48", "-fps", "20", "-http", "127.0.0.1:0"})
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var l nanLine
	for attempt := 0; ; attempt++ {
		code, body := get("/api/latest")
		if code == 200 {
			if err := json.Unmarshal([]byte(body), &l); err != nil {
				t.Fatalf("/api/latest: %v: %q", err, body)
			}
			break
		}
		if code != 503 || attempt == 400 {
			t.Fatalf("/api/latest: %d %q\n%s", code, body, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !l.NonFinite || len(l.Top) == 0 || l.Top[0].Score != nil || l.Seq == 0 {
		t.Errorf("/api/latest = %+v, want a result marked non_finite with null scores", l)
	}
	code, metrics := get("/metrics")
	m := regexp.MustCompile(`(?m)^edgecam_results_non_finite_total (\d+)$`).FindStringSubmatch(metrics)
	if code != 200 || m == nil {
		t.Fatalf("/metrics lacks edgecam_results_non_finite_total:\n%s", metrics)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 {
		t.Errorf("edgecam_results_non_finite_total %d after a bad result was served", n)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
}

// TestClassifyNaNScoresJSON: classify -json writes valid JSON with null for
// NaN scores and outputs; the text form prints NaN.
func TestClassifyNaNScoresJSON(t *testing.T) {
	model := nanModel(t)
	img := filepath.Join(t.TempDir(), "grey.rgb")
	if err := os.WriteFile(img, bytes.Repeat([]byte{128}, 32*32*3), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"classify", "-model", model, "-json", "-top", "3", img}, nil, &out, &errb); err != nil {
		t.Fatalf("classify: %v\n%s", err, errb.String())
	}
	var line struct {
		Top []struct {
			Score *float32 `json:"score"`
		} `json:"top"`
		Output []*float32 `json:"output"`
	}
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("classify -json output is not JSON: %v: %q", err, out.String())
	}
	if len(line.Top) != 3 || len(line.Output) != 10 {
		t.Fatalf("%d top entries and %d outputs, want 3 and 10", len(line.Top), len(line.Output))
	}
	for i, c := range line.Top {
		if c.Score != nil {
			t.Errorf("top %d score %v, want null", i, *c.Score)
		}
	}
	for i, v := range line.Output {
		if v != nil {
			t.Errorf("output %d = %v, want null", i, *v)
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"classify", "-model", model, "-top", "1", img}, nil, &out, &errb); err != nil {
		t.Fatalf("classify: %v", err)
	}
	if !strings.Contains(out.String(), "NaN") {
		t.Errorf("text output %q does not show the NaN score", out.String())
	}
}

func TestJSONFloat32(t *testing.T) {
	inf := jsonFloat32(math.Inf(1))
	b, err := json.Marshal([]jsonFloat32{0.5, 1e-7, 3e21, inf, -inf, jsonFloat32(math.NaN())})
	if err != nil || string(b) != "[0.5,1e-7,3e+21,null,null,null]" {
		t.Errorf("marshal = %s, %v; want [0.5,1e-7,3e+21,null,null,null]", b, err)
	}
	// Finite values are written exactly as encoding/json writes float32.
	for _, v := range []float32{0.123456789, 1.0 / 3, 65504, 1e-6} {
		want, _ := json.Marshal(v)
		got, _ := json.Marshal(jsonFloat32(v))
		if string(got) != string(want) {
			t.Errorf("%v: %s, want %s", v, got, want)
		}
	}
}
