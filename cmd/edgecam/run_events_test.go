package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// flipColours are the uniform pictures flipClass chooses from.
var flipColours = [][3]byte{{255, 255, 255}, {0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}}

// flip is two uniform pictures that a model scores differently: class is
// seen (at or above minScore) in on and not in off.
type flip struct {
	on, off  [3]byte
	class    int
	minScore float32
}

// flipClass finds, for the model at path, the class and the two uniform
// colours whose scores differ most, and the score half way: a stream
// alternating the two makes that class appear and disappear at that
// -min-score. The scores are the model's own, computed here, so the test
// holds for any model.
func flipClass(t *testing.T, path string) flip {
	t.Helper()
	m, err := runtime.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	res, _, _ := plan.InputShape()
	var out [][]float32
	for _, c := range flipColours {
		if err := plan.SetInputRGB(bytes.Repeat(c[:], res*res)); err != nil {
			t.Fatal(err)
		}
		if err := plan.Run(); err != nil {
			t.Fatal(err)
		}
		out = append(out, plan.OutputFloat(nil))
	}
	var best flip
	gap := float32(0)
	for a := range out {
		for b := range out {
			for c := range out[a] {
				if d := out[a][c] - out[b][c]; d > gap {
					gap, best = d, flip{flipColours[a], flipColours[b], c, (out[a][c] + out[b][c]) / 2}
				}
			}
		}
	}
	// The run computes the same scores bit for bit (same kernels, one
	// thread, uniform frames convert exactly), so any gap will do.
	if gap < 1e-3 {
		t.Fatalf("no class tells the colours apart: best gap %v", gap)
	}
	return best
}

// frames is a raw RGB stream of 16x16 uniform frames, of colour f.on
// where pattern says 1 and f.off where it says 0.
func (f flip) frames(pattern string) []byte {
	on, off := bytes.Repeat(f.on[:], 16*16), bytes.Repeat(f.off[:], 16*16)
	var b bytes.Buffer
	for _, c := range pattern {
		if c == '1' {
			b.Write(on)
		} else {
			b.Write(off)
		}
	}
	return b.Bytes()
}

// eventsLine is what the event tests read of a result line.
type eventsLine struct {
	Seq    uint64 `json:"seq"`
	Events []struct {
		Type  string  `json:"type"`
		Label string  `json:"label"`
		Score float32 `json:"score"`
	} `json:"events"`
}

// TestRunEventsAndSnapshots: a stream whose frames switch between two
// pictures that the model scores differently makes the watched class start
// and end, in the result lines, with one snapshot of the frame (label
// drawn, at the frame's own size) per start.
func TestRunEventsAndSnapshots(t *testing.T) {
	model := builtFloatModel(t, tflite.Float32)
	fl := flipClass(t, model)
	dir := filepath.Join(t.TempDir(), "snaps")
	on := strconv.Itoa(fl.class)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"run", "-model", model, "-source", "-", "-format", "rgb24", "-size", "16x16", "-fps", "0", "-top", "1", "-threads", "1",
		"-on", on, "-min-score", fmt.Sprint(fl.minScore), "-off-for", "0s", "-snapshots", dir}, bytes.NewReader(fl.frames("1100010")), &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r eventsLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Events {
			if e.Label != on {
				t.Errorf("event label %q, want %q", e.Label, on)
			}
			got = append(got, fmt.Sprintf("%d:%s", r.Seq, e.Type))
		}
	}
	if want := "[1:start 3:end 6:start 7:end]"; fmt.Sprint(got) != want {
		t.Errorf("events %v, want %s", got, want)
	}
	for _, want := range []string{"edgecam run: events: 2 starts, 2 ends", "snapshots: 2 written, 0 skipped (writer busy), 0 failed; 2 files"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, errb.String())
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^edgecam-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-` + on + `(-[0-9]+)?\.jpg$`)
	if len(ents) != 2 {
		t.Fatalf("%d files in the snapshot directory, want 2", len(ents))
	}
	for _, e := range ents {
		if !name.MatchString(e.Name()) {
			t.Errorf("snapshot %q is not named edgecam-TIME-%s.jpg", e.Name(), on)
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != 16 || img.Bounds().Dy() != 16 {
			t.Errorf("snapshot %s: %v, %v; want a 16x16 JPEG", e.Name(), err, img)
		}
	}
}

// snapshotBytes is the total size of the snapshot files in dir (names as
// the snapshot store gives them; its temporary files are not snapshots).
func snapshotBytes(dir string) (int64, int) {
	ents, _ := os.ReadDir(dir)
	var n int64
	files := 0
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "edgecam-") || !strings.HasSuffix(e.Name(), ".jpg") {
			continue
		}
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
			files++
		}
	}
	return n, files
}

// TestSnapshotsStayUnderBound: a 10,000-frame run with an event start every
// other frame keeps the snapshot directory under -snapshots-max throughout,
// and accounts for every start (written, or skipped while the writer was
// busy).
func TestSnapshotsStayUnderBound(t *testing.T) {
	frames := 10000
	if testing.Short() {
		frames = 1000
	}
	model := builtFloatModel(t, tflite.Float32)
	fl := flipClass(t, model)
	dir := filepath.Join(t.TempDir(), "snaps")
	const bound = 6000 // a handful of 16x16 snapshots
	stop := make(chan struct{})
	var worst atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			if n, _ := snapshotBytes(dir); n > worst.Load() {
				worst.Store(n)
			}
		}
	})
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"run", "-model", model, "-source", "-", "-format", "rgb24", "-size", "16x16", "-fps", "0", "-top", "1", "-threads", "1",
		"-on", strconv.Itoa(fl.class), "-min-score", fmt.Sprint(fl.minScore), "-off-for", "0s", "-snapshots", dir, "-snapshots-max", strconv.Itoa(bound)},
		bytes.NewReader(fl.frames(strings.Repeat("10", frames/2))), &out, &errb)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	sum := regexp.MustCompile(`snapshots: (\d+) written, (\d+) skipped \(writer busy\), (\d+) failed; (\d+) files, (\d+) bytes`).FindStringSubmatch(errb.String())
	if sum == nil || !strings.Contains(errb.String(), fmt.Sprintf("edgecam run: events: %d starts, %d ends", frames/2, frames/2)) {
		t.Fatalf("summary:\n%s", errb.String())
	}
	n := func(i int) int { v, _ := strconv.Atoi(sum[i]); return v }
	written, skipped, failed := n(1), n(2), n(3)
	if written+skipped != frames/2 || failed != 0 || written < 2 {
		t.Errorf("%d written + %d skipped + %d failed, want %d starts accounted for, none failed, at least 2 written", written, skipped, failed, frames/2)
	}
	final, files := snapshotBytes(dir)
	if final > bound || int64(n(5)) != final || n(4) != files || worst.Load() > bound {
		t.Errorf("snapshot directory: %d bytes in %d files at the end (summary %s bytes, %s files), at most %d bytes seen while running; bound %d",
			final, files, sum[5], sum[4], worst.Load(), bound)
	}
	t.Logf("%d frames: %d snapshots written, %d skipped; %d files, %d bytes at the end, %d bytes at most (bound %d)", frames, written, skipped, files, final, worst.Load(), bound)
}
