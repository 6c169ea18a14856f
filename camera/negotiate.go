package camera

import (
	"fmt"
	"math"
	"sort"
)

// Capability is one frame size a device offers in one format, with the
// frame rates it can deliver at that size.
type Capability struct {
	Format        PixelFormat
	Width, Height int
	FPS           []float64 // deliverable rates; empty when the driver does not say
}

// DeviceInfo describes a capture device and what it can deliver.
type DeviceInfo struct {
	Path, Name string
	Caps       []Capability
}

// Mode negotiation preferences: uncompressed formats first (no decode cost),
// MJPEG when it is the only way to reach the rate.
var formatRank = map[PixelFormat]int{FormatYUYV: 0, FormatNV12: 1, FormatI420: 2, FormatRGB24: 3, FormatMJPEG: 4, FormatGrey: 5}

func maxFPS(c Capability) float64 {
	m := 0.0
	for _, f := range c.FPS {
		m = math.Max(m, f)
	}
	return m
}

// Negotiate picks the capability that best serves want: the size nearest
// the requested one (by area, then aspect), among those a rate that reaches
// want.FPS, and among those the cheapest format to convert. When no format
// reaches the rate at that size the fastest one wins (typically MJPEG at high
// resolutions, where USB bandwidth caps YUYV). want.Format restricts the
// choice to one format. The returned Config carries the rate to request:
// want.FPS when deliverable, else the best the mode offers.
func Negotiate(caps []Capability, want Config) (Config, error) {
	var cands []Capability
	for _, c := range caps {
		if _, ok := formatRank[c.Format]; !ok {
			continue
		}
		if want.Format != FormatUnknown && c.Format != want.Format {
			continue
		}
		cands = append(cands, c)
	}
	if len(cands) == 0 {
		if want.Format != FormatUnknown {
			return Config{}, fmt.Errorf("device does not offer format %v", want.Format)
		}
		return Config{}, fmt.Errorf("device offers none of the supported formats (yuyv, nv12, rgb24, grey, mjpeg)")
	}
	ww, wh := want.Width, want.Height
	if ww <= 0 || wh <= 0 {
		ww, wh = 640, 480
	}
	sizeCost := func(c Capability) float64 {
		a := math.Abs(math.Log(float64(c.Width*c.Height) / float64(ww*wh)))
		r := math.Abs(math.Log(float64(c.Width*wh) / float64(c.Height*ww)))
		return a + r/4
	}
	reaches := func(c Capability) bool {
		return want.FPS <= 0 || len(c.FPS) == 0 || maxFPS(c) >= want.FPS-0.01
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if ca, cb := sizeCost(a), sizeCost(b); math.Abs(ca-cb) > 1e-9 {
			return ca < cb
		}
		if ra, rb := reaches(a), reaches(b); ra != rb {
			return ra
		}
		if !reaches(a) && maxFPS(a) != maxFPS(b) {
			return maxFPS(a) > maxFPS(b)
		}
		return formatRank[a.Format] < formatRank[b.Format]
	})
	best := cands[0]
	out := Config{Width: best.Width, Height: best.Height, Format: best.Format, FPS: want.FPS}
	if !reaches(best) || want.FPS <= 0 {
		out.FPS = maxFPS(best)
	}
	return out, nil
}
