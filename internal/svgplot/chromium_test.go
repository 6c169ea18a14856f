package svgplot

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestChromiumShowsBars renders a chart in headless Chromium and checks the
// screenshot: every bar of the SVG appears in its colour with its drawn
// width. EDGECAM_SVG names an SVG to check instead of a sample chart (the
// `edgecam bench -plot` output, from scripts/test-svg.sh). It skips without
// Chromium, or in -short mode, unless EDGECAM_REQUIRE_CHROMIUM=1.
func TestChromiumShowsBars(t *testing.T) {
	if testing.Short() && os.Getenv("EDGECAM_REQUIRE_CHROMIUM") != "1" {
		t.Skip("chromium screenshot skipped in -short mode")
	}
	bin := chromium(t)
	dir := t.TempDir()
	svg := os.Getenv("EDGECAM_SVG")
	if svg == "" {
		svg = filepath.Join(dir, "plot.svg")
		if err := WriteFile(svg, sampleChart()); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	w, h, bars, err := svgBars(data)
	if err != nil {
		t.Fatalf("%s: %v", svg, err)
	}
	if len(bars) < 2 {
		t.Fatalf("%s: %d coloured rects, want a chart", svg, len(bars))
	}
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	absSVG, err := filepath.Abs(svg)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--hide-scrollbars", "--force-device-scale-factor=1",
		fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+shot, "file://"+absSVG)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	drawn := 0
	for _, b := range bars {
		if b.w < 1 {
			continue // a zero-time layer has no visible bar
		}
		y := int(b.y + b.h/2)
		got, want := countRun(img, y, b.fill), int(b.w+0.5)
		// Bars of one colour on the same line (legend swatches) add up.
		for _, o := range bars {
			if o != b && o.fill == b.fill && float64(y) >= o.y && float64(y) < o.y+o.h {
				want += int(o.w + 0.5)
			}
		}
		if abs(want-got) > 2 {
			t.Errorf("rect at y=%.0f (%s): %d pixels of its colour on line %d, want %d", b.y, b.fill, got, y, want)
		}
		drawn++
	}
	if drawn < 2 {
		t.Errorf("only %d visible bars", drawn)
	}
}

type rect struct {
	x, y, w, h float64
	fill       string
}

// svgBars reads the SVG's size and its rects filled with a Palette colour.
func svgBars(data []byte) (w, h int, bars []*rect, err error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range se.Attr {
			attr[a.Name.Local] = a.Value
		}
		switch se.Name.Local {
		case "svg":
			w, _ = strconv.Atoi(attr["width"])
			h, _ = strconv.Atoi(attr["height"])
		case "rect":
			if !slices.Contains(Palette, attr["fill"]) {
				continue
			}
			r := &rect{fill: attr["fill"]}
			for k, p := range map[string]*float64{"x": &r.x, "y": &r.y, "width": &r.w, "height": &r.h} {
				if *p, err = strconv.ParseFloat(attr[k], 64); err != nil {
					return 0, 0, nil, fmt.Errorf("rect %s: %w", k, err)
				}
			}
			bars = append(bars, r)
		}
	}
	if w <= 0 || h <= 0 {
		return 0, 0, nil, fmt.Errorf("svg has no width and height")
	}
	return w, h, bars, nil
}

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("EDGECAM_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium not found and EDGECAM_REQUIRE_CHROMIUM=1")
	}
	t.Skip("chromium not found (set EDGECAM_REQUIRE_CHROMIUM=1 to fail instead)")
	return ""
}

// countRun counts pixels of colour hex on row y, left of the right padding.
func countRun(img image.Image, y int, hex string) int {
	n := 0
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
		if near(img, x, y, hex) {
			n++
		}
	}
	return n
}

// near reports whether the pixel is within a few steps of colour hex.
func near(img image.Image, x, y int, hex string) bool {
	var r0, g0, b0 int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r0, &g0, &b0)
	r, g, b, _ := img.At(x, y).RGBA()
	return abs(int(r>>8)-r0) <= 6 && abs(int(g>>8)-g0) <= 6 && abs(int(b>>8)-b0) <= 6
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
