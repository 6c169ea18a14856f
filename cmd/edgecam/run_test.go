package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/internal/fixtures"
	"periph.io/x/conn/v3/gpio"
)

const runModel = "models/mobilenet_v1_0.25_128_quant.tflite"

func TestRunUsageErrors(t *testing.T) {
	cases := [][]string{
		{"run", "-device", "/dev/video0", "-source", "synthetic"}, // no -model: the embedded one
		{"run", "-model", "m.tflite", "-device", "/dev/video0", "-source", "synthetic"},
		{"run", "-model", "m.tflite", "-source", "synthetic", "-size", "640by480"},
		{"run", "-model", "m.tflite", "-source", "synthetic", "-format", "h264"},
		{"run", "-model", "m.tflite", "-source", "synthetic", "-top", "0"},
		{"run", "-model", "m.tflite", "-source", "synthetic", "-fps", "-1"},
		{"run", "-model", "m.tflite", "extra"},
		{"run", "-model", "m.tflite", "-source", "synthetic", "-gpio", "GPIO17"},                   // -gpio without -on
		{"run", "-model", "m.tflite", "-source", "synthetic", "-snapshots", "d"},                   // -snapshots without -on
		{"run", "-model", "m.tflite", "-source", "synthetic", "-on", "cat", "-snapshots-max", "9"}, // without -snapshots
		{"run", "-model", "m.tflite", "-source", "synthetic", "-mqtt-name", "cam"},                 // without -mqtt
		{"run", "-model", "m.tflite", "-source", "-"},                                              // a stream needs -format
	}
	for _, args := range cases {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, nil, &out, &errb)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

// result is one stdout line of `edgecam run`.
type result struct {
	Seq     uint64    `json:"seq"`
	Capture time.Time `json:"capture"`
	Top     []struct {
		Index int     `json:"index"`
		Label string  `json:"label"`
		Score float32 `json:"score"`
	} `json:"top"`
	LatencyMS float64 `json:"latency_ms"`
	Dropped   uint64  `json:"dropped"`
}

func parseResults(t *testing.T, out string) []result {
	t.Helper()
	var rs []result
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		rs = append(rs, r)
	}
	return rs
}

func TestRunSynthetic(t *testing.T) {
	model := fixtures.Path(t, runModel)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"run", "-model", model, "-source", "synthetic", "-size", "320x240", "-fps", "0", "-frames", "4", "-top", "3"}, nil, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	rs := parseResults(t, out.String())
	if len(rs) != 4 {
		t.Fatalf("%d results, want 4:\n%s", len(rs), out.String())
	}
	for i, r := range rs {
		if i > 0 && r.Seq <= rs[i-1].Seq {
			t.Errorf("seq %d after %d", r.Seq, rs[i-1].Seq)
		}
		if len(r.Top) != 3 || r.Top[0].Label == "" || r.Top[0].Score <= 0 || r.Top[0].Score > 1 || r.Top[0].Score < r.Top[2].Score {
			t.Errorf("bad top-3 %+v", r.Top)
		}
		if r.LatencyMS <= 0 || r.Capture.IsZero() || r.Dropped != 0 {
			t.Errorf("result %d: latency %v capture %v dropped %d", r.Seq, r.LatencyMS, r.Capture, r.Dropped)
		}
	}
	if !regexp.MustCompile(`edgecam run: 4 frames, \d+ captured, 0 dropped .*p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+, [0-9.]+ fps`).MatchString(errb.String()) {
		t.Errorf("no summary on stderr:\n%s", errb.String())
	}
}

// TestRunImageMatchesGolden runs a fixture image through the file source:
// the camera path must give the golden top-1 class.
func TestRunImageMatchesGolden(t *testing.T) {
	model := fixtures.Path(t, runModel)
	img := fixtures.Path(t, "images/cat.png")
	gj := fixtures.Path(t, "golden/mobilenet_v1_0.25_128_quant/golden.json")
	var golden struct {
		Results []struct {
			Image string `json:"image"`
			Top5  []struct {
				Index int `json:"index"`
			} `json:"top5"`
		} `json:"results"`
	}
	data, err := os.ReadFile(gj)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	want := -1
	for _, r := range golden.Results {
		if r.Image == "cat.png" {
			want = r.Top5[0].Index
		}
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"run", "-model", model, "-source", img, "-fps", "0", "-frames", "2"}, nil, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	rs := parseResults(t, out.String())
	if len(rs) != 2 || rs[0].Top[0].Index != want || rs[1].Top[0].Index != want {
		t.Fatalf("top-1 %v, want %d:\n%s", rs, want, out.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the command and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunHTTP(t *testing.T) {
	model := fixtures.Path(t, runModel)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"run", "-model", model, "-source", "synthetic", "-size", "320x240", "-fps", "20", "-http", "127.0.0.1:0", "-http-clients", "1"}, nil, &out, &errb)
	}()
	re := regexp.MustCompile(`serving http://([0-9.:]+)/`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; {
		if m := re.FindStringSubmatch(errb.String()); m != nil {
			base = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", errb.String())
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string, http.Header) {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	if code, body, _ := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	var first result
	for deadline := time.Now().Add(20 * time.Second); ; {
		code, body, _ := get("/api/latest")
		if code == 200 {
			if err := json.Unmarshal([]byte(body), &first); err != nil {
				t.Fatalf("/api/latest: %v: %q", err, body)
			}
			break
		}
		if code != 503 || time.Now().After(deadline) {
			t.Fatalf("/api/latest: %d %q", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body, _ := get("/"); code != 200 || !strings.Contains(body, "/snapshot.jpg?frame=") {
		t.Fatalf("/: %d", code)
	}
	// One stream client is allowed; a second one is refused.
	resp, err := client.Get(base + "/stream.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/x-mixed-replace") {
		t.Fatalf("stream content type %q", ct)
	}
	part := make([]byte, 256)
	n, err := io.ReadAtLeast(resp.Body, part, 64)
	if err != nil || !bytes.Contains(part[:n], []byte("Content-Type: image/jpeg")) || !bytes.Contains(part[:n], []byte("\xff\xd8")) {
		t.Fatalf("stream part: %v %q", err, part[:n])
	}
	if code, _, _ := get("/stream.mjpg"); code != http.StatusServiceUnavailable {
		t.Errorf("second stream client: %d, want 503", code)
	}
	resp.Body.Close()
	time.Sleep(300 * time.Millisecond)
	code, metrics, _ := get("/metrics")
	for _, want := range []string{"# TYPE edgecam_frames_total counter", "edgecam_frames_dropped_total{reason=\"stale\"}", "edgecam_latency_seconds_bucket{le=\"+Inf\"}", "edgecam_latency_seconds_count"} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// The next result may take a while under the race detector on a busy
	// machine: wait for it, boundedly.
	var later result
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, body, _ := get("/api/latest"); json.Unmarshal([]byte(body), &later) == nil && later.Seq > first.Seq {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("/api/latest did not advance: %d then %d", first.Seq, later.Seq)
			break
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	if !strings.Contains(errb.String(), "edgecam run: ") || len(parseResults(t, out.String())) == 0 {
		t.Errorf("no results or summary")
	}
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{":8080": "127.0.0.1:8080", "0.0.0.0:80": "0.0.0.0:80", "[::1]:9": "[::1]:9"} {
		if got, err := listenAddr(in); err != nil || got != want {
			t.Errorf("listenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := listenAddr("nonsense"); err == nil {
		t.Error("bad address accepted")
	}
}

func TestRunStatsPercentiles(t *testing.T) {
	s := newRunStats()
	for i := 1; i <= 100; i++ {
		s.Record(time.Duration(i) * time.Millisecond)
	}
	p := s.Percentiles(50, 90, 99, 100)
	if p[0] != 50 || p[1] != 90 || p[2] != 99 || p[3] != 100 {
		t.Fatalf("percentiles %v", p)
	}
	var b bytes.Buffer
	s.WriteHistogram(&b, "x")
	for _, want := range []string{"x_bucket{le=\"0.005\"} 5\n", "x_bucket{le=\"0.05\"} 50\n", "x_bucket{le=\"0.1\"} 100\n", "x_bucket{le=\"+Inf\"} 100\n", "x_count 100\n", "x_sum 5.05\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("histogram lacks %q:\n%s", want, b.String())
		}
	}
}

// TestRunMJPEGStreamCountsBadFrames replays a recorded MJPEG stream with a
// truncated frame: it is counted and skipped, the others are inferred.
func TestRunMJPEGStreamCountsBadFrames(t *testing.T) {
	model := fixtures.Path(t, runModel)
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	var stream []byte
	for i := range 3 {
		camera.DrawPattern(img, uint64(i))
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, nil); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		if i == 1 {
			data = data[:len(data)/2]
		}
		stream = append(stream, data...)
	}
	p := filepath.Join(t.TempDir(), "rec.mjpeg")
	if err := os.WriteFile(p, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"run", "-model", model, "-source", p, "-fps", "0"}, nil, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	rs := parseResults(t, out.String())
	if len(rs) != 2 || rs[0].Seq != 1 || rs[1].Seq != 3 || rs[1].Dropped != 1 {
		t.Fatalf("results %+v, want seq 1 and 3 with 1 dropped", rs)
	}
	if !strings.Contains(errb.String(), "2 frames, 3 captured, 1 dropped (0 stale, 1 bad)") {
		t.Fatalf("summary:\n%s", errb.String())
	}
}

// levelPin is a fake output pin that records the levels written.
type levelPin struct {
	gpio.PinIO
	levels []gpio.Level
}

func (p *levelPin) Name() string   { return "GPIO17" }
func (p *levelPin) String() string { return "GPIO17" }
func (p *levelPin) Out(l gpio.Level) error {
	p.levels = append(p.levels, l)
	return nil
}

// TestRunDrivesGPIO checks run's GPIO wiring end to end: a cat picture
// drives the pin high, and closing at the end drives it low.
func TestRunDrivesGPIO(t *testing.T) {
	model := fixtures.Path(t, runModel)
	img := fixtures.Path(t, "images/cat.png")
	pin := &levelPin{PinIO: gpio.INVALID}
	saved := openGPIOPin
	openGPIOPin = func(name string) (gpio.PinOut, error) { return pin, nil }
	t.Cleanup(func() { openGPIOPin = saved })
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"run", "-model", model, "-source", img, "-fps", "0", "-frames", "2",
		"-gpio", "GPIO17", "-on", "tabby,tiger cat,Egyptian cat", "-min-score", "0.2"}, nil, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	high := slices.Index(pin.levels, gpio.High)
	if high < 0 || pin.levels[len(pin.levels)-1] != gpio.Low || high == len(pin.levels)-1 {
		t.Fatalf("levels written %v, want high for the cat, then low at close", pin.levels)
	}
}
