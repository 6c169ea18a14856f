package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// ffmpegPath finds Debian's ffmpeg, or skips the test (fails it when
// EDGECAM_REQUIRE_FIXTURES=1).
func ffmpegPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		fixtures.Missing(t, "ffmpeg (Debian package ffmpeg)")
	}
	return p
}

// testsrcArgs is the ffmpeg command line of the test stream: 30
// frames of ffmpeg's test pattern at 320x240, as raw YUV420 ("i420") or
// MJPEG, on standard output; -bitexact so that every run writes the same
// bytes.
func testsrcArgs(ffmpeg, format string) []string {
	args := []string{ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10",
		"-frames:v", "30", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-threads", "1"}
	if format == "i420" {
		return append(args, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-")
	}
	return append(args, "-f", "mjpeg", "-q:v", "3", "-")
}

// runLines runs `edgecam run` in process with stdin and returns its
// results and stderr.
func runLines(t *testing.T, stdin io.Reader, args ...string) ([]result, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), append([]string{"run"}, args...), stdin, &out, &errb); err != nil {
		t.Fatalf("run %q: %v\n%s", args, err, errb.String())
	}
	return parseResults(t, out.String()), errb.String()
}

// sameResults compares two runs' results: the same frames in the same
// order with the same top classes and scores.
func sameResults(t *testing.T, what string, got, want []result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d results, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || fmt.Sprint(g.Top) != fmt.Sprint(w.Top) {
			t.Fatalf("%s: result %d is seq %d %v, want seq %d %v", what, i+1, g.Seq, g.Top, w.Seq, w.Top)
		}
	}
}

// TestRunStreamsMatchFileSource: the same ffmpeg frames (raw YUV420 and
// MJPEG) through the file source, standard input and an exec: command give
// the same results, every frame inferred once (-fps 0), and the stdin run
// ends by itself at the end of the stream.
func TestRunStreamsMatchFileSource(t *testing.T) {
	ffmpeg := ffmpegPath(t)
	for _, format := range []string{"i420", "mjpeg"} {
		t.Run(format, func(t *testing.T) {
			args := testsrcArgs(ffmpeg, format)
			data, err := exec.Command(args[0], args[1:]...).Output()
			if err != nil {
				t.Fatalf("ffmpeg: %v", err)
			}
			file := filepath.Join(t.TempDir(), "clip."+format)
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			common := []string{"-fps", "0", "-top", "3", "-threads", "1"}
			if format == "i420" {
				common = append(common, "-size", "320x240")
			}
			fromFile, _ := runLines(t, nil, append([]string{"-source", file}, common...)...)
			if len(fromFile) != 30 {
				t.Fatalf("file source: %d results, want 30", len(fromFile))
			}
			fromStdin, summary := runLines(t, bytes.NewReader(data), append([]string{"-source", "-", "-format", format}, common...)...)
			sameResults(t, "-source -", fromStdin, fromFile)
			if !strings.Contains(summary, "edgecam run: 30 frames, 30 captured, 0 dropped (0 stale, 0 bad)") {
				t.Errorf("stdin summary:\n%s", summary)
			}
			// The command is restarted when it ends: -frames stops the run.
			cmd := "exec:" + strings.Join(args, " ")
			fromExec, _ := runLines(t, nil, append([]string{"-source", cmd, "-format", format, "-frames", "30"}, common...)...)
			sameResults(t, "-source exec:ffmpeg", fromExec, fromFile)
		})
	}
}

// A stream cut short in the middle of a frame (a producer killed) ends the
// run cleanly: the whole frames are inferred, the partial one is counted as
// a bad frame in the summary.
func TestRunStdinTruncatedLastFrame(t *testing.T) {
	frame := bytes.Repeat([]byte{200, 30, 30}, 16*16)
	stream := append(bytes.Repeat(frame, 3), frame[:100]...)
	rs, summary := runLines(t, bytes.NewReader(stream), "-source", "-", "-format", "rgb24", "-size", "16x16", "-fps", "0", "-top", "1")
	if len(rs) != 3 || rs[2].Seq != 3 {
		t.Fatalf("%d results %+v, want seq 1..3", len(rs), rs)
	}
	if !strings.Contains(summary, "edgecam run: 3 frames, 4 captured, 1 dropped (0 stale, 1 bad)") {
		t.Errorf("summary:\n%s", summary)
	}
}

// A stream that stops sending does not hold up the end of the run: an
// interrupt ends it with its summary while a read is pending.
func TestRunStdinStopsWhileReadBlocks(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"run", "-source", "-", "-format", "grey", "-size", "8x8", "-top", "1"}, r, &out, &errb)
	}()
	if _, err := w.Write(make([]byte, 64+10)); err != nil { // one frame and a bit
		t.Fatal(err)
	}
	for attempt := 0; !strings.Contains(out.String(), `"seq":1`); attempt++ {
		if attempt == 1000 {
			t.Fatalf("no result:\n%s", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(errb.String(), "edgecam run: 1 frames") {
			t.Fatalf("run = %v, stderr:\n%s", err, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not stop while the stream's read was pending")
	}
}

// TestRunDirectoryNamesSources: results from a directory carry the file
// each frame came from.
func TestRunDirectoryNamesSources(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i, c := range []color.RGBA{{250, 20, 20, 255}, {20, 20, 250, 255}} {
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		for p := 0; p < len(img.Pix); p += 4 {
			img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = c.R, c.G, c.B, c.A
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("img%d.png", i))
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, p)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"run", "-source", dir, "-fps", "0", "-top", "1"}, nil, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	type sourced struct {
		Seq    uint64 `json:"seq"`
		Source string `json:"source"`
	}
	var lines []sourced
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r sourced
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, r)
	}
	if len(lines) != 2 || lines[0].Source != want[0] || lines[1].Source != want[1] {
		t.Errorf("results %+v, want one per file with source %q", lines, want)
	}
}
