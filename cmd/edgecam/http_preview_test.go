package main

import (
	"bytes"
	"image"
	"io"
	"testing"
)

// TestPreviewEncodeOutsideFrameLock: the inference goroutine's Set must
// never wait for a JPEG encode. A fake encoder blocks inside JPEG; while it
// is blocked the frame lock must be free and Set must complete, and the
// encode must see the frame as it was when it started, not a torn one.
func TestPreviewEncodeOutsideFrameLock(t *testing.T) {
	const res = 4
	p := newPreview(res)
	started, release := make(chan struct{}), make(chan struct{})
	p.encode = func(w io.Writer, img image.Image) error {
		rgba := img.(*image.RGBA)
		started <- struct{}{}
		<-release
		_, err := w.Write(rgba.Pix[:3]) // the first pixel, as rendered
		return err
	}
	frame := func(v byte) []byte { return bytes.Repeat([]byte{v}, 3*res*res) }
	p.Set(frame(10), "", 1)

	type result struct {
		jpg     []byte
		version uint64
	}
	got := make(chan result, 1)
	go func() {
		jpg, v := p.JPEG(0)
		got <- result{jpg, v}
	}()
	<-started // the encode is in progress, and blocked
	if !p.mu.TryLock() {
		t.Fatal("the frame lock is held while a JPEG is encoded: inference would wait for it")
	}
	p.mu.Unlock()
	p.Set(frame(20), "", 2) // returns: nothing else holds the lock
	close(release)
	r := <-got
	if r.version != 1 || !bytes.Equal(r.jpg, []byte{10, 10, 10}) {
		t.Errorf("encode in progress gave version %d pixel %v, want version 1 pixel [10 10 10]", r.version, r.jpg)
	}
	go func() { <-started }() // the next encode does not block
	jpg, v := p.JPEG(1)
	if v != 2 || !bytes.Equal(jpg, []byte{20, 20, 20}) {
		t.Errorf("next frame: version %d pixel %v, want version 2 pixel [20 20 20]", v, jpg)
	}
	if jpg, v := p.JPEG(2); jpg != nil || v != 2 {
		t.Errorf("no newer frame: got %v version %d, want nil version 2", jpg, v)
	}
}
