package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime"
	"periph.io/x/conn/v3/gpio"
)

// runDetectLine is a run JSON line of a detection model.
type runDetectLine struct {
	Seq        uint64
	Top        []json.RawMessage
	Detections *[]json.RawMessage
	NonFinite  bool `json:"non_finite"`
}

// TestRunDetector runs the detector on a photo through the file source:
// each JSON line carries the detections detect gives for the same photo
// (the camera path sees the whole picture too) and an empty top; a
// classifier's lines carry no detections key.
func TestRunDetector(t *testing.T) {
	model := fixtures.Path(t, filepath.Join("models", ssdStem+".tflite"))
	img := fixtures.Path(t, "images/beach_kites.png")
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"run", "-model", model, "-source", img, "-fps", "0", "-frames", "2", "-threads", "2", "-threshold", "0.55"}, nil, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	want := runDetectLines(t, "-model", model, "-json", "-threshold", "0.55", "-threads", "1", img)[0].Detections
	if len(want) < 4 {
		t.Fatalf("detect found %d objects on beach_kites, want several people and kites", len(want))
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	n := 0
	for ; sc.Scan(); n++ {
		var raw runDetectLine
		var got struct{ Detections []detectionLineEntry }
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if raw.Detections == nil || len(raw.Top) != 0 || raw.NonFinite {
			t.Errorf("line %d: detections %v, top %d entries, non-finite %v; want detections, no top", n, raw.Detections != nil, len(raw.Top), raw.NonFinite)
		}
		a, _ := json.Marshal(got.Detections)
		b, _ := json.Marshal(want)
		if !bytes.Equal(a, b) {
			t.Errorf("line %d: run detections differ from detect's:\n%s\n%s", n, a, b)
		}
	}
	if n != 2 {
		t.Errorf("%d lines, want 2", n)
	}
	// A classifier's lines have no detections key.
	out.Reset()
	if err := run(context.Background(), []string{"run", "-model", fixtures.Path(t, runModel), "-source", img, "-fps", "0", "-frames", "1"}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), `"detections"`) || !strings.Contains(out.String(), `"top":[{`) {
		t.Errorf("classifier line %q", out.String())
	}
}

// detectionLineEntry is one detection as both detect and run write it.
type detectionLineEntry = struct {
	Class int
	Label string
	Score float64
	Box   struct{ YMin, XMin, YMax, XMax float64 }
}

// TestRunDetectorDrivesGPIO: -gpio -on LABEL triggers on a detected label
// scoring at least -min-score.
func TestRunDetectorDrivesGPIO(t *testing.T) {
	model := fixtures.Path(t, filepath.Join("models", ssdStem+".tflite"))
	img := fixtures.Path(t, "images/cat.png")
	for _, c := range []struct {
		on   string
		high bool
	}{{"cat", true}, {"dog,person", false}} {
		pin := &levelPin{PinIO: gpio.INVALID}
		saved := openGPIOPin
		openGPIOPin = func(string) (gpio.PinOut, error) { return pin, nil }
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"run", "-model", model, "-source", img, "-fps", "0", "-frames", "2", "-threads", "2",
			"-gpio", "GPIO17", "-on", c.on, "-min-score", "0.6"}, nil, &out, &errb)
		openGPIOPin = saved
		if err != nil {
			t.Fatalf("%v\n%s", err, errb.String())
		}
		if high := slices.Contains(pin.levels, gpio.High); high != c.high || pin.levels[len(pin.levels)-1] != gpio.Low {
			t.Errorf("-on %s: levels %v, want high %v and low at close", c.on, pin.levels, c.high)
		}
	}
}

// TestRunDetectorHTTP serves a detector's results: /api/latest holds the
// detections and /snapshot.jpg shows the frame with the cat's box drawn.
func TestRunDetectorHTTP(t *testing.T) {
	model := fixtures.Path(t, filepath.Join("models", ssdStem+".tflite"))
	img := fixtures.Path(t, "images/cat.png")
	base, stderr, stop := startRun(t, []string{"run", "-model", model, "-source", img, "-fps", "4", "-threads", "2", "-http", "127.0.0.1:0"})
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, []byte) {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	var latest struct{ Detections []detectionLineEntry }
	for deadline := time.Now().Add(30 * time.Second); ; {
		code, body := get("/api/latest")
		if code == 200 {
			if err := json.Unmarshal(body, &latest); err != nil {
				t.Fatalf("/api/latest %q: %v", body, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/api/latest: %d %q\n%s", code, body, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(latest.Detections) == 0 || latest.Detections[0].Label != "cat" {
		t.Fatalf("/api/latest detections %+v, want the cat", latest.Detections)
	}
	code, jpg := get("/snapshot.jpg")
	if code != 200 {
		t.Fatalf("/snapshot.jpg: %d", code)
	}
	shot, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	// The box's left edge, 1 pixel of (255, 64, 64) along the cat's side,
	// is strongly red in the JPEG; the picture a few pixels inside is not
	// red throughout.
	d := latest.Detections[0]
	w, h := shot.Bounds().Dx(), shot.Bounds().Dy()
	x := int(d.Box.XMin*float64(w) + 0.5)
	redEdge, redInside := 0, 0
	for y := int(d.Box.YMin*float64(h)) + 20; y < int(d.Box.YMax*float64(h))-20; y++ {
		if isRed(shot, x, y) {
			redEdge++
		}
		if isRed(shot, x+6, y) {
			redInside++
		}
	}
	if span := int((d.Box.YMax-d.Box.YMin)*float64(h)) - 40; redEdge < span*3/4 || redInside > span/2 {
		t.Errorf("box edge at x=%d: %d of %d pixels red, %d inside; want the box drawn", x, redEdge, span, redInside)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// isRed reports whether pixel x, y is near the first box colour.
func isRed(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8 > 200 && g>>8 < 130 && b>>8 < 130
}

// TestPreviewDetections renders a detector's result: the label bar lists
// the detections, each box is outlined in its colour at its place, and a
// classifier's result after it draws no box.
func TestPreviewDetections(t *testing.T) {
	const res = 100
	p := newPreview(res)
	var rendered []byte
	p.encode = func(w io.Writer, img image.Image) error {
		rendered = bytes.Clone(img.(*image.RGBA).Pix)
		_, err := w.Write([]byte{1})
		return err
	}
	dets := []detectionJSON{
		{Class: 16, Label: "cat", Score: 0.75, Box: boxJSON{YMin: 0.2, XMin: 0.1, YMax: 0.8, XMax: 0.5}},
		{Class: 0, Label: "person", Score: 0.5, Box: boxJSON{YMin: 0.5, XMin: 0.6, YMax: 0.9, XMax: 0.9}},
	}
	line := &frameJSON{Seq: 1, Frame: 1, Detections: &dets}
	if got := previewText(line); got != "cat 75%, person 50%" {
		t.Errorf("label bar %q", got)
	}
	gray := bytes.Repeat([]byte{128}, 3*res*res)
	p.setResult(gray, line)
	if jpg, v := p.JPEG(0); jpg == nil || v != 1 {
		t.Fatal("no frame")
	}
	px := func(x, y int) []byte { i := 4 * (y*res*p.scale + x); return rendered[i : i+3] }
	s := p.scale
	for _, c := range []struct {
		x, y int
		want []byte
	}{
		{10 * s, 50 * s, []byte{255, 64, 64}},    // the cat box's left edge
		{70 * s, 90*s - 1, []byte{64, 200, 255}}, // the person box's bottom edge
		{30 * s, 50 * s, []byte{128, 128, 128}},  // inside the cat box
	} {
		if got := px(c.x, c.y); !bytes.Equal(got, c.want) {
			t.Errorf("pixel %d,%d = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	empty := []detectionJSON{}
	if got := previewText(&frameJSON{Detections: &empty}); got != "no detections" {
		t.Errorf("no detections: label bar %q", got)
	}
	p.setResult(gray, &frameJSON{Seq: 2, Frame: 2, Top: []classJSON{{Label: "tabby", Score: 0.5}}})
	p.JPEG(0)
	if got := px(10*s, 50*s); !bytes.Equal(got, []byte{128, 128, 128}) {
		t.Errorf("a classifier's frame kept a box: %v", got)
	}
	if got := previewText(&frameJSON{Top: []classJSON{{Label: "tabby", Score: 0.5}}}); got != "tabby 50%" {
		t.Errorf("classifier label bar %q", got)
	}
}

// TestRunDetectorRead reads one SSD result as run does: the JSON
// detections, the classes GPIO and label matching see (class id and
// score), and the captioned boxes for drawing (live view, snapshots) agree.
func TestRunDetectorRead(t *testing.T) {
	m, err := runtime.Load(fixtures.Path(t, filepath.Join("models", ssdStem+".tflite")))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	dir, _ := readSSDGolden(t)
	rgb, err := os.ReadFile(filepath.Join(dir, "beach_kites.rgb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.SetInputRGB(rgb); err != nil {
		t.Fatal(err)
	}
	if err := plan.Run(); err != nil {
		t.Fatal(err)
	}
	labels := make([]string, 90)
	labels[0], labels[37] = "person", "kite"
	d := newRunDetector(plan, labels, 0.5)
	if d == nil || runFraming(plan) != imageinput.WholeFrame {
		t.Fatal("the SSD plan is not read as a detector framed whole")
	}
	var line frameJSON
	classes, finite := d.read(&line)
	if !finite || line.Detections == nil || len(*line.Detections) < 4 {
		t.Fatalf("finite %v, detections %v", finite, line.Detections)
	}
	dets, boxes := *line.Detections, d.Boxes()
	if len(classes) != len(dets) || len(boxes) != len(dets) {
		t.Fatalf("%d detections, %d classes, %d boxes", len(dets), len(classes), len(boxes))
	}
	for i, det := range dets {
		if classes[i].Index != det.Class || classes[i].Score != float32(det.Score) || det.Score < 0.5 {
			t.Errorf("detection %d %+v: class %+v", i, det, classes[i])
		}
		if b := boxes[i]; b.XMin != float32(det.Box.XMin) || b.YMax != float32(det.Box.YMax) || !strings.HasPrefix(b.Label, det.Label+" ") || !strings.HasSuffix(b.Label, "%") {
			t.Errorf("detection %d %+v: box %+v", i, det, b)
		}
		if det.Label != "person" && det.Label != "kite" {
			t.Errorf("detection %d labelled %q", i, det.Label)
		}
	}
	if newRunDetector(compileClassifier(t), nil, 0.5) != nil {
		t.Error("a classifier's plan gets a detector reader")
	}
}

func compileClassifier(t *testing.T) *runtime.Plan {
	m, err := runtime.Load(fixtures.Path(t, runModel))
	if err != nil {
		t.Fatal(err)
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}
