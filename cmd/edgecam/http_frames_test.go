package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// httpGet fetches base+path and returns the status, body and header.
func httpGet(t *testing.T, url string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// metricValue reads one unlabelled metric from a /metrics body.
func metricValue(t *testing.T, body []byte, name string) uint64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\d+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s:\n%s", name, body)
	}
	v, _ := strconv.ParseUint(string(m[1]), 10, 64)
	return v
}

// TestHTTPOneResultPerFrame: the server holds each result's JSON and
// picture under one frame number; /api/latest, /metrics and /snapshot.jpg
// name the same frame, and the picture of a result just read from
// /api/latest is that result's (the page loads it by number), for the last
// previewHistory results.
func TestHTTPOneResultPerFrame(t *testing.T) {
	const res, n = 8, 20
	srv := testServer(t, httpConfig{maxClients: 1, res: res})
	base := "http://" + srv.Addr()
	shade := func(frame uint64) byte { return byte(10 * frame) }
	for f := uint64(1); f <= n; f++ {
		line := &frameJSON{Seq: 100 + f, Frame: f, Top: []classJSON{{Index: int(f), Label: "label" + strconv.FormatUint(f, 10), Score: 0.5}}}
		srv.Publish(line, bytes.Repeat([]byte{shade(f)}, 3*res*res))
	}
	_, body, _ := httpGet(t, base+"/api/latest")
	var latest frameJSON
	if err := json.Unmarshal(body, &latest); err != nil {
		t.Fatal(err)
	}
	_, metrics, _ := httpGet(t, base+"/metrics")
	_, _, hdr := httpGet(t, base+"/snapshot.jpg")
	if latest.Frame != n || latest.Seq != 100+n || metricValue(t, metrics, "edgecam_frames_total") != n || hdr.Get("X-Edgecam-Frame") != strconv.Itoa(n) {
		t.Errorf("/api/latest frame %d seq %d, /metrics %d, /snapshot.jpg frame %q; want frame %d everywhere",
			latest.Frame, latest.Seq, metricValue(t, metrics, "edgecam_frames_total"), hdr.Get("X-Edgecam-Frame"), n)
	}
	for f := uint64(n - previewHistory + 1); f <= n; f++ {
		code, jpg, hdr := httpGet(t, base+"/snapshot.jpg?frame="+strconv.FormatUint(f, 10))
		if code != 200 || hdr.Get("X-Edgecam-Frame") != strconv.FormatUint(f, 10) {
			t.Fatalf("frame %d: %d, frame header %q", f, code, hdr.Get("X-Edgecam-Frame"))
		}
		img, err := jpeg.Decode(bytes.NewReader(jpg))
		if err != nil {
			t.Fatal(err)
		}
		r, _, _, _ := img.At(5, 5).RGBA() // above the label bar
		if d := int(r>>8) - int(shade(f)); d < -3 || d > 3 {
			t.Errorf("frame %d: picture shade %d, want %d (that frame's input)", f, r>>8, shade(f))
		}
	}
	for q, want := range map[string]int{strconv.Itoa(n - previewHistory): 404, "0": 400, "x": 400, "99": 404} {
		if code, _, _ := httpGet(t, base+"/snapshot.jpg?frame="+q); code != want {
			t.Errorf("/snapshot.jpg?frame=%s: %d, want %d", q, code, want)
		}
	}
	if got := overlayText(&latest); got != "label20 50%" {
		t.Errorf("overlay text %q, want the page's words for the result: label20 50%%", got)
	}
}

// TestRunHTTPOneFrameCounter: a run that has inferred N frames (and has no
// more to take) reports N in /api/latest, /metrics and the latest picture,
// and the result lines number the same frames.
func TestRunHTTPOneFrameCounter(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"run", "-source", "-", "-format", "rgb24", "-size", "16x16", "-fps", "0", "-top", "1", "-http", "127.0.0.1:0"}, r, &out, &errb)
	}()
	var base string
	re := regexp.MustCompile(`serving (http://[0-9.:]+)/`)
	for attempt := 0; base == ""; attempt++ {
		if m := re.FindStringSubmatch(errb.String()); m != nil {
			base = m[1]
		} else if attempt == 2000 {
			t.Fatalf("no server:\n%s", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	const frames = 7
	for i := range frames {
		if _, err := w.Write(bytes.Repeat([]byte{byte(30 * i)}, 3*16*16)); err != nil {
			t.Fatal(err)
		}
	}
	var latest frameJSON
	for attempt := 0; latest.Frame != frames; attempt++ {
		if attempt == 2000 {
			t.Fatalf("/api/latest stays at frame %d, want %d", latest.Frame, frames)
		}
		time.Sleep(10 * time.Millisecond)
		if code, body, _ := httpGet(t, base+"/api/latest"); code == 200 {
			if err := json.Unmarshal(body, &latest); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, metrics, _ := httpGet(t, base+"/metrics")
	code, _, hdr := httpGet(t, base+"/snapshot.jpg?frame="+strconv.Itoa(frames))
	if got := metricValue(t, metrics, "edgecam_frames_total"); got != frames || code != 200 || hdr.Get("X-Edgecam-Frame") != strconv.Itoa(frames) {
		t.Errorf("/metrics frames %d, /snapshot.jpg?frame=%d: %d; want %d and 200", got, frames, code, frames)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rs := parseResults(t, out.String())
	if len(rs) != frames || !strings.Contains(out.String(), `"frame":7,`) || !strings.Contains(out.String(), `"seq":7,"frame":7`) {
		t.Errorf("%d result lines:\n%s", len(rs), out.String())
	}
}
