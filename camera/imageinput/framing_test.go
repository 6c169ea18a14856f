package imageinput

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// ssdGolden is the detector's golden folder: its .rgb inputs are Pillow's
// resize of the whole picture to 300x300 (no crop).
const ssdGolden = "golden/ssd_mobilenet_v1_1.0_quant_2018_06_29"

// TestLoadWholeFrameMatchesPillow checks Load with WholeFrame against the
// detector's golden inputs, bit for bit, and the picture sizes it reports
// against golden.json.
func TestLoadWholeFrameMatchesPillow(t *testing.T) {
	gdir := fixtures.Path(t, ssdGolden)
	data, err := os.ReadFile(filepath.Join(gdir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Results []struct {
			Image         string
			Width, Height int
			InputFile     string `json:"input_file"`
		}
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Results) == 0 {
		t.Fatal("golden.json lists no images")
	}
	square := 0
	for _, r := range g.Results {
		t.Run(r.Image, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(gdir, r.InputFile))
			if err != nil {
				t.Fatal(err)
			}
			got, w, h, err := Load(fixtures.Path(t, filepath.Join("images", r.Image)), 300, WholeFrame)
			if err != nil {
				t.Fatal(err)
			}
			if w != r.Width || h != r.Height {
				t.Errorf("size %dx%d, golden.json %dx%d", w, h, r.Width, r.Height)
			}
			if !bytes.Equal(got, want) {
				diff := 0
				for i := range got {
					if got[i] != want[i] {
						diff++
					}
				}
				t.Errorf("%d of %d bytes differ from Pillow's whole-picture resize", diff, len(want))
			}
		})
		if r.Width == r.Height {
			square++
		}
	}
	if square == len(g.Results) {
		t.Error("every golden picture is square: the whole-frame resize was not told apart from the crop")
	}
}

// TestWholeFrameKeepsEveryColumn: a 6x3 picture whose columns differ
// (red 0, 40, ..., 200) resized whole to 3x3 reads all six columns, where
// the centre crop keeps only the middle three.
func TestWholeFrameKeepsEveryColumn(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 6, 3))
	for y := range 3 {
		for x := range 6 {
			img.Set(x, y, color.RGBA{byte(40 * x), byte(100 + y), 7, 255})
		}
	}
	p := filepath.Join(t.TempDir(), "wide.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, w, h, err := Load(p, 3, WholeFrame)
	if err != nil {
		t.Fatal(err)
	}
	if w != 6 || h != 3 {
		t.Errorf("size %dx%d, want 6x3", w, h)
	}
	// Downscaling 2:1 with Pillow's triangle filter of support 2: output
	// column i centres on source x = 2i+1 with weights 1/8, 3/8, 3/8, 1/8
	// on columns 2i-1..2i+2; at the edges the missing column is dropped and
	// the rest renormalized (3/7, 3/7, 1/7): (40*3+80)/7 = 28.6, 100,
	// (120+160*3+200*3)/7 = 171.4.
	for y := range 3 {
		for i, want := range []byte{29, 100, 171} {
			if px := got[3*(3*y+i):][:3]; px[0] != want || px[1] != byte(100+y) || px[2] != 7 {
				t.Errorf("pixel %d,%d = %v, want [%d %d 7]", i, y, px, want, 100+y)
			}
		}
	}
	crop, _, _, err := Load(p, 3, CentreCrop)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(crop, got) {
		t.Error("the centre crop and the whole frame give the same input")
	}
	if raw, w, h, err := Load(writeRaw(t, 3), 3, WholeFrame); err != nil || w != 3 || h != 3 || len(raw) != 27 {
		t.Errorf("a .rgb input: %d bytes, %dx%d, %v; want 27 bytes, 3x3", len(raw), w, h, err)
	}
}

func writeRaw(t *testing.T, res int) string {
	p := filepath.Join(t.TempDir(), "in.rgb")
	if err := os.WriteFile(p, make([]byte, 3*res*res), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestScalerFramingSwitch: one Scaler changes framing between images of the
// same size.
func TestScalerFramingSwitch(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	s, err := NewScaler(4)
	if err != nil {
		t.Fatal(err)
	}
	outs := map[Framing][]byte{}
	for _, f := range []Framing{CentreCrop, WholeFrame, CentreCrop} {
		s.Framing = f
		out := make([]byte, 48)
		if err := s.Scale(out, img); err != nil {
			t.Fatal(err)
		}
		if prev, ok := outs[f]; ok && !bytes.Equal(prev, out) {
			t.Errorf("%v: a second scale differs from the first", f)
		}
		outs[f] = out
	}
	if bytes.Equal(outs[CentreCrop], outs[WholeFrame]) {
		t.Error("switching the framing changed nothing")
	}
	if w, h := s.SourceSize(); w != 8 || h != 4 {
		t.Errorf("SourceSize %dx%d, want 8x4", w, h)
	}
	if !strings.Contains(WholeFrame.String(), "whole") || Framing(9).String() != "framing(9)" {
		t.Errorf("names %q %q", WholeFrame, Framing(9))
	}
}
