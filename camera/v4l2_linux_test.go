//go:build linux

package camera

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// v4l2Device returns the device these tests use: $EDGECAM_V4L2_DEVICE, or
// /dev/video0 inside the vivid VM (scripts/test-vm.sh sets VIVID_VM=1).
// Elsewhere they skip: a developer's real camera is not a test fixture.
func v4l2Device(t *testing.T) string {
	if d := os.Getenv("EDGECAM_V4L2_DEVICE"); d != "" {
		return d
	}
	if os.Getenv("VIVID_VM") == "1" {
		return "/dev/video0"
	}
	t.Skip("no V4L2 test device (runs in scripts/test-vm.sh, or set EDGECAM_V4L2_DEVICE)")
	return ""
}

func TestV4L2ListDevices(t *testing.T) {
	dev := v4l2Device(t)
	devs, err := ListDevices()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if d.Path != dev {
			continue
		}
		t.Logf("%s %q: %d capabilities", d.Path, d.Name, len(d.Caps))
		for _, c := range d.Caps {
			if c.Format == FormatYUYV && c.Width == 640 && c.Height == 480 {
				if len(c.FPS) == 0 || maxFPS(c) < 25 {
					t.Errorf("YUYV 640x480 rates %v", c.FPS)
				}
				return
			}
		}
		t.Fatalf("%s lists no YUYV 640x480: %+v", dev, d.Caps)
	}
	t.Fatalf("%s not listed in %+v", dev, devs)
}

func TestV4L2Capture(t *testing.T) {
	dev := v4l2Device(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := NewV4L2(dev, Config{Width: 640, Height: 480, FPS: 25}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 2 * time.Second
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m := s.Mode(); m.Format != FormatYUYV || m.Width != 640 || m.Height != 480 {
		t.Fatalf("negotiated %+v, want YUYV 640x480 (auto prefers uncompressed)", m)
	}
	c := NewConverter(128)
	rgb := make([]byte, 3*128*128)
	var last *Frame
	for i := 0; i < 10; i++ {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if len(f.Data) != 640*480*2 {
			t.Fatalf("frame %d: %d bytes", i, len(f.Data))
		}
		if last != nil && (f.Seq <= last.Seq || f.Time.Before(last.Time)) {
			t.Fatalf("frame %d: seq %d time %v after seq %d time %v", i, f.Seq, f.Time, last.Seq, last.Time)
		}
		if err := c.Convert(rgb, f); err != nil {
			t.Fatal(err)
		}
		last = &Frame{Seq: f.Seq, Time: f.Time}
		s.Release(f)
	}
	// A frame timeout shorter than the frame period is reported, not fatal.
	s.Timeout = time.Millisecond
	timeouts := 0
	for i := 0; i < 50 && timeouts == 0; i++ {
		f, err := s.Next(ctx)
		switch {
		case errors.Is(err, ErrTimeout):
			timeouts++
		case err != nil:
			t.Fatal(err)
		default:
			s.Release(f)
		}
	}
	if timeouts == 0 {
		t.Error("no timeout with a 1ms frame timeout at 25 fps")
	}
	s.Timeout = 2 * time.Second
	if _, err := s.Next(ctx); err != nil {
		t.Fatalf("after a timeout: %v", err)
	}
}

func TestV4L2ForcedFormatMissing(t *testing.T) {
	dev := v4l2Device(t)
	s, _ := NewV4L2(dev, Config{Width: 640, Height: 480, Format: FormatMJPEG}, nil)
	err := s.Open(context.Background())
	if err == nil {
		// Some devices do offer MJPEG; then it must have been negotiated.
		defer s.Close()
		if s.Mode().Format != FormatMJPEG {
			t.Fatalf("asked for MJPEG, got %v", s.Mode().Format)
		}
		return
	}
	t.Logf("MJPEG refused as expected: %v", err)
}

func TestV4L2MissingDevice(t *testing.T) {
	s, _ := NewV4L2("/dev/video-edgecam-missing", Config{}, nil)
	err := s.Open(context.Background())
	if !errors.Is(err, ErrDisconnected) {
		t.Fatalf("missing device: %v, want ErrDisconnected (so Reconnecting retries it)", err)
	}
	msg := err.Error()
	for _, want := range []string{"no video device at /dev/video-edgecam-missing", "no such file or directory", "-list"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing device error %q does not say %q", msg, want)
		}
	}
}

// TestV4L2Unplug unbinds the vivid driver from its device while capturing
// (the kernel then fails every call on the open file with ENODEV, as for a
// USB camera pulled out), binds it again a second later, and checks that
// Reconnecting reopens the device and frames resume. Only in the vivid VM.
func TestV4L2Unplug(t *testing.T) {
	if os.Getenv("VIVID_VM") != "1" {
		t.Skip("needs the vivid VM (scripts/test-vm.sh)")
	}
	const drv = "/sys/bus/platform/drivers/vivid/"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	v, _ := NewV4L2("/dev/video0", Config{Width: 640, Height: 480, FPS: 25}, nil)
	v.Timeout = 2 * time.Second
	src := NewReconnecting(v, nil)
	src.MinBackoff, src.MaxBackoff = 50*time.Millisecond, 200*time.Millisecond
	if err := src.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := 0; i < 3; i++ {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		src.Release(f)
	}
	if err := os.WriteFile(drv+"unbind", []byte("vivid.0"), 0); err != nil {
		t.Fatalf("unplug (unbind): %v", err)
	}
	replugged := make(chan error, 1)
	go func() {
		time.Sleep(time.Second)
		replugged <- os.WriteFile(drv+"bind", []byte("vivid.0"), 0)
	}()
	start := time.Now()
	f, err := src.Next(ctx) // blocks across the unplug until the device is back
	if err != nil {
		t.Fatalf("after unplug: %v", err)
	}
	if err := <-replugged; err != nil {
		t.Fatalf("replug (bind): %v", err)
	}
	if src.Reconnects() != 1 || len(f.Data) != 640*480*2 {
		t.Fatalf("reconnects %d, frame %d bytes", src.Reconnects(), len(f.Data))
	}
	t.Logf("frames resumed %v after the unplug", time.Since(start).Round(time.Millisecond))
	src.Release(f)
}
