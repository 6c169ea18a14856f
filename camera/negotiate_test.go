package camera

import "testing"

func TestNegotiate(t *testing.T) {
	// A typical UVC webcam: YUYV is USB-bandwidth bound at high resolutions.
	uvc := []Capability{
		{FormatYUYV, 640, 480, []float64{30, 15}},
		{FormatYUYV, 1280, 720, []float64{10, 5}},
		{FormatYUYV, 1920, 1080, []float64{5}},
		{FormatMJPEG, 640, 480, []float64{30}},
		{FormatMJPEG, 1280, 720, []float64{30}},
		{FormatMJPEG, 1920, 1080, []float64{30}},
		{FormatUnknown, 640, 480, []float64{60}},
	}
	cases := []struct {
		name string
		want Config
		got  Config
	}{
		{"vga30 prefers yuyv", Config{Width: 640, Height: 480, FPS: 30}, Config{Width: 640, Height: 480, FPS: 30, Format: FormatYUYV}},
		{"720p30 needs mjpeg", Config{Width: 1280, Height: 720, FPS: 30}, Config{Width: 1280, Height: 720, FPS: 30, Format: FormatMJPEG}},
		{"720p10 stays yuyv", Config{Width: 1280, Height: 720, FPS: 10}, Config{Width: 1280, Height: 720, FPS: 10, Format: FormatYUYV}},
		{"forced yuyv at 1080p60 gets its best rate", Config{Width: 1920, Height: 1080, FPS: 60, Format: FormatYUYV}, Config{Width: 1920, Height: 1080, FPS: 5, Format: FormatYUYV}},
		{"nearest size", Config{Width: 800, Height: 600, FPS: 30}, Config{Width: 640, Height: 480, FPS: 30, Format: FormatYUYV}},
		{"no rate asked: fastest of the mode", Config{Width: 640, Height: 480}, Config{Width: 640, Height: 480, FPS: 30, Format: FormatYUYV}},
		{"1080p60 nobody reaches: fastest", Config{Width: 1920, Height: 1080, FPS: 60}, Config{Width: 1920, Height: 1080, FPS: 30, Format: FormatMJPEG}},
	}
	for _, c := range cases {
		got, err := Negotiate(uvc, c.want)
		if err != nil || got != c.got {
			t.Errorf("%s: got %+v, %v; want %+v", c.name, got, err, c.got)
		}
	}
	if _, err := Negotiate(uvc, Config{Format: FormatNV12}); err == nil {
		t.Error("absent format accepted")
	}
	if _, err := Negotiate([]Capability{{FormatUnknown, 640, 480, nil}}, Config{}); err == nil {
		t.Error("device with no usable format accepted")
	}
}
