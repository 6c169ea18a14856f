package camera_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	goruntime "runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/camera/cameratest"
)

func yuyvFrames(t testing.TB, n, w, h int) []camera.Frame {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	out := make([]camera.Frame, n)
	for i := range out {
		camera.DrawPattern(img, uint64(i))
		data := make([]byte, camera.FormatYUYV.FrameSize(w, h))
		camera.EncodeRGBA(data, img, camera.FormatYUYV)
		out[i] = camera.Frame{Format: camera.FormatYUYV, Width: w, Height: h, Data: data}
	}
	return out
}

func mjpegFrame(t testing.TB, w, h int) camera.Frame {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	camera.DrawPattern(img, 1)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return camera.Frame{Format: camera.FormatMJPEG, Width: w, Height: h, Data: b.Bytes()}
}

// checkAccounting asserts every captured frame was inferred or dropped,
// results came in increasing order, and all frames went back to the source.
func checkAccounting(t *testing.T, p *camera.Pipeline, src *cameratest.Source, seqs []uint64) {
	t.Helper()
	st := &p.Stats
	if got, want := st.Processed.Load()+st.Stale.Load()+st.Bad.Load(), st.Captured.Load(); got != want {
		t.Errorf("processed %d + stale %d + bad %d != captured %d", st.Processed.Load(), st.Stale.Load(), st.Bad.Load(), want)
	}
	if uint64(len(seqs)) != st.Processed.Load() {
		t.Errorf("%d results, %d processed", len(seqs), st.Processed.Load())
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("result %d has seq %d after %d: order not kept", i, seqs[i], seqs[i-1])
		}
	}
	if n := src.Outstanding(); n != 0 {
		t.Errorf("%d frames never released", n)
	}
}

// TestPipelineDropsStaleFrames runs a fast source into slow inference: most
// frames must be dropped as stale, counted, and the rest kept in order.
func TestPipelineDropsStaleFrames(t *testing.T) {
	src := &cameratest.Source{Frames: yuyvFrames(t, 4, 64, 48), Count: 300}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	var lastDropped uint64
	p := &camera.Pipeline{
		Source: src, Res: 32,
		Infer: func([]byte) error { time.Sleep(2 * time.Millisecond); return nil },
		OnResult: func(r *camera.Result) {
			seqs = append(seqs, r.Seq)
			if r.Dropped < lastDropped {
				t.Errorf("dropped count went down: %d after %d", r.Dropped, lastDropped)
			}
			lastDropped = r.Dropped
			if r.Latency < 0 || r.Capture.IsZero() {
				t.Errorf("result %d: latency %v capture %v", r.Seq, r.Latency, r.Capture)
			}
		},
	}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, p, src, seqs)
	if p.Stats.Captured.Load() != 300 {
		t.Errorf("captured %d, want 300", p.Stats.Captured.Load())
	}
	if p.Stats.Stale.Load() == 0 {
		t.Error("no stale frames dropped although inference is much slower than capture")
	}
	if len(seqs) == 0 || seqs[len(seqs)-1] != 300 {
		t.Errorf("last result is not the last frame: %v", seqs[max(0, len(seqs)-3):])
	}
}

// lockstep makes the source wait for each result, so inference always keeps up.
type lockstep struct {
	*cameratest.Source
	turn chan struct{}
}

func (l *lockstep) Next(ctx context.Context) (*camera.Frame, error) {
	select {
	case <-l.turn:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return l.Source.Next(ctx)
}

func TestPipelineNoDropsWhenKeepingUp(t *testing.T) {
	fake := &cameratest.Source{Frames: yuyvFrames(t, 3, 64, 48), Count: 50}
	src := &lockstep{Source: fake, turn: make(chan struct{}, 1)}
	src.turn <- struct{}{}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	p := &camera.Pipeline{
		Source: src, Res: 32,
		Infer:    func([]byte) error { return nil },
		OnResult: func(r *camera.Result) { seqs = append(seqs, r.Seq); src.turn <- struct{}{} },
	}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, p, fake, seqs)
	if len(seqs) != 50 || p.Stats.Dropped() != 0 {
		t.Fatalf("%d results, %d dropped; want 50 and 0", len(seqs), p.Stats.Dropped())
	}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("result %d has seq %d", i, s)
		}
	}
}

func TestPipelineFaults(t *testing.T) {
	frames := []camera.Frame{mjpegFrame(t, 64, 48)}
	fake := &cameratest.Source{
		Frames: frames, Count: 40, ReplugAfter: 2,
		Faults: map[int]cameratest.Fault{
			3: cameratest.Timeout, 5: cameratest.Truncate, 8: cameratest.WrongLength,
			10: cameratest.Unplug, 12: cameratest.Timeout, 20: cameratest.Truncate,
		},
	}
	src := camera.NewReconnecting(fake, nil)
	src.MinBackoff, src.MaxBackoff = time.Millisecond, 4*time.Millisecond
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	// Lockstep-free but slow capture is not needed: count every outcome.
	p := &camera.Pipeline{Source: src, Res: 32, Infer: func([]byte) error { return nil },
		OnResult: func(r *camera.Result) { seqs = append(seqs, r.Seq) }}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, p, fake, seqs)
	st := &p.Stats
	if st.Timeouts.Load() != 2 {
		t.Errorf("timeouts %d, want 2", st.Timeouts.Load())
	}
	// Two truncated MJPEG frames and one wrong-length frame are bad, unless a
	// truncated one was replaced while waiting (then it is stale instead).
	if b, s := st.Bad.Load(), st.Stale.Load(); b < 1 || b+s < 3 {
		t.Errorf("bad %d stale %d: the 3 faulty frames were not all counted", b, s)
	}
	if src.Reconnects() != 1 || fake.Opens() != 2 {
		t.Errorf("reconnects %d opens %d, want 1 and 2", src.Reconnects(), fake.Opens())
	}
	if st.Captured.Load() != 40 {
		t.Errorf("captured %d, want 40 (the stream must go on after the replug)", st.Captured.Load())
	}
}

func TestPipelineInferErrorStops(t *testing.T) {
	src := &cameratest.Source{Frames: yuyvFrames(t, 1, 32, 32)}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	n := 0
	p := &camera.Pipeline{Source: src, Res: 16, Infer: func([]byte) error {
		n++
		if n == 3 {
			return boom
		}
		return nil
	}}
	if err := p.Run(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if src.Outstanding() != 0 {
		t.Fatalf("%d frames not released", src.Outstanding())
	}
}

func TestPipelineCancel(t *testing.T) {
	src := &cameratest.Source{Frames: yuyvFrames(t, 1, 32, 32), Interval: time.Millisecond}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got atomic.Int32
	p := &camera.Pipeline{Source: src, Res: 16, Infer: func([]byte) error { return nil },
		OnResult: func(r *camera.Result) {
			if got.Add(1) == 5 {
				cancel()
			}
		}}
	if err := p.Run(ctx); err != nil {
		t.Fatalf("cancel is not an error: %v", err)
	}
	if got.Load() < 5 {
		t.Fatalf("%d results", got.Load())
	}
}

// TestPipelineNoLeaks runs 10,000 frames and checks that goroutines, frame
// buffers and heap come back to where they were.
func TestPipelineNoLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 frames")
	}
	// run plays n frames; in lockstep every frame is inferred, otherwise
	// capture runs free and most frames are dropped as stale.
	run := func(n int, lock bool) {
		fake := &cameratest.Source{Frames: yuyvFrames(t, 4, 64, 48), Count: n}
		var src camera.Source = fake
		var turn chan struct{}
		if lock {
			turn = make(chan struct{}, 1)
			turn <- struct{}{}
			src = &lockstep{Source: fake, turn: turn}
		} else {
			fake.Faults = map[int]cameratest.Fault{n / 3: cameratest.Truncate, n / 2: cameratest.Timeout}
		}
		if err := src.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		var last uint64
		p := &camera.Pipeline{Source: src, Res: 32, Infer: func([]byte) error { return nil },
			OnResult: func(r *camera.Result) {
				if r.Seq <= last {
					t.Fatalf("order broken: %d after %d", r.Seq, last)
				}
				last = r.Seq
				if lock {
					turn <- struct{}{}
				}
			}}
		if err := p.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c := p.Stats.Captured.Load(); c != uint64(n) {
			t.Fatalf("captured %d of %d", c, n)
		}
		if lock && p.Stats.Processed.Load() != uint64(n) {
			t.Fatalf("lockstep: processed %d of %d", p.Stats.Processed.Load(), n)
		}
		if fake.Outstanding() != 0 {
			t.Fatalf("%d frames never released", fake.Outstanding())
		}
	}
	heap := func() uint64 {
		goruntime.GC()
		var m goruntime.MemStats
		goruntime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	run(100, true) // warm up
	run(100, false)
	g0, h0 := goruntime.NumGoroutine(), heap()
	run(10000, true)
	run(10000, false)
	time.Sleep(10 * time.Millisecond)
	g1, h1 := goruntime.NumGoroutine(), heap()
	if g1 > g0 {
		t.Errorf("goroutines %d -> %d after 10,000 frames", g0, g1)
	}
	if h1 > h0+1<<20 {
		t.Errorf("heap grew from %d to %d bytes over 10,000 frames", h0, h1)
	}
	t.Logf("goroutines %d -> %d, heap %d -> %d", g0, g1, h0, h1)
}

// TestPipelinePull: in pull mode a free-running source is asked for a frame
// only when inference has taken the last one, so nothing is dropped.
func TestPipelinePull(t *testing.T) {
	src := &cameratest.Source{Frames: yuyvFrames(t, 2, 64, 48), Count: 100}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	p := &camera.Pipeline{Source: src, Res: 32, Pull: true,
		Infer:    func([]byte) error { time.Sleep(100 * time.Microsecond); return nil },
		OnResult: func(r *camera.Result) { seqs = append(seqs, r.Seq) }}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, p, src, seqs)
	if len(seqs) != 100 || p.Stats.Dropped() != 0 {
		t.Fatalf("%d results, %d dropped; want 100 and 0", len(seqs), p.Stats.Dropped())
	}
}

// broken is a source whose device fails for good after two frames.
type broken struct {
	*cameratest.Source
	n int
}

var errDeviceGone = errors.New("device on fire")

func (b *broken) Next(ctx context.Context) (*camera.Frame, error) {
	if b.n++; b.n > 2 {
		return nil, errDeviceGone
	}
	return b.Source.Next(ctx)
}

func TestPipelineSourceErrorIsReturned(t *testing.T) {
	fake := &cameratest.Source{Frames: yuyvFrames(t, 1, 32, 32)}
	if err := fake.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := &camera.Pipeline{Source: &broken{Source: fake}, Res: 16, Pull: true, Infer: func([]byte) error { return nil }}
	if err := p.Run(context.Background()); !errors.Is(err, errDeviceGone) {
		t.Fatalf("err = %v, want the source's error", err)
	}
	if p.Stats.Processed.Load() != 2 || fake.Outstanding() != 0 {
		t.Fatalf("processed %d, outstanding %d", p.Stats.Processed.Load(), fake.Outstanding())
	}
}
