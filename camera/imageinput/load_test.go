package imageinput

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/fileio"
	"github.com/edgecam/edgecam/internal/fixtures"
)

// goldenModels are golden folders whose .rgb inputs cover every resolution.
var goldenModels = []string{
	"mobilenet_v1_0.25_128_quant",
	"mobilenet_v1_0.5_160_quant",
	"mobilenet_v1_0.75_192_quant",
	"mobilenet_v1_0.25_224_quant",
}

// TestLoadRGBMatchesPillow checks LoadRGB against the Pillow-made golden
// model inputs for every fixture image and resolution.
func TestLoadRGBMatchesPillow(t *testing.T) {
	imgDir := fixtures.Path(t, "images")
	pngs, err := filepath.Glob(filepath.Join(imgDir, "*.png"))
	if err != nil || len(pngs) == 0 {
		fixtures.Missing(t, "no PNG images in %s", imgDir)
	}
	for _, model := range goldenModels {
		gdir := fixtures.Path(t, filepath.Join("golden", model))
		res := resOf(t, model)
		for _, p := range pngs {
			stem := strings.TrimSuffix(filepath.Base(p), ".png")
			want, err := os.ReadFile(filepath.Join(gdir, stem+".rgb"))
			if err != nil {
				continue // image not in this golden set
			}
			t.Run(model+"/"+stem, func(t *testing.T) {
				got, err := LoadRGB(p, res)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("len %d, want %d", len(got), len(want))
				}
				diff, maxd := 0, 0
				for i := range got {
					d := int(got[i]) - int(want[i])
					if d < 0 {
						d = -d
					}
					if d != 0 {
						diff++
						maxd = max(maxd, d)
					}
				}
				if diff != 0 {
					t.Errorf("%d of %d bytes differ from Pillow, max |diff| %d", diff, len(got), maxd)
				}
			})
		}
	}
}

func resOf(t *testing.T, model string) int {
	for _, r := range []string{"_128", "_160", "_192", "_224"} {
		if strings.Contains(model, r) {
			n := 0
			for _, c := range r[1:] {
				n = n*10 + int(c-'0')
			}
			return n
		}
	}
	t.Fatalf("no resolution in %s", model)
	return 0
}

func TestLoadRGBRawFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.rgb")
	data := make([]byte, 4*4*3)
	for i := range data {
		data[i] = byte(i)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadRGB(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("raw .rgb not returned as is")
	}
	_, err = LoadRGB(p, 5)
	if err == nil || !strings.Contains(err.Error(), "x.rgb") || !strings.Contains(err.Error(), "48 bytes, want 75") {
		t.Fatalf("short .rgb: err = %v", err)
	}
	_, err = LoadRGB(p, 3)
	if !errors.Is(err, fileio.ErrTooLarge) || !strings.Contains(err.Error(), "x.rgb") || !strings.Contains(err.Error(), "48 bytes") {
		t.Fatalf("long .rgb: err = %v", err)
	}
}

func TestLoadRGBErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.png")
	if err := os.WriteFile(bad, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRGB(bad, 8); err == nil || !strings.Contains(err.Error(), "bad.png") {
		t.Fatalf("corrupt PNG: err = %v", err)
	}
	if _, err := LoadRGB(filepath.Join(dir, "missing.png"), 8); err == nil {
		t.Fatal("missing file: no error")
	}
	if _, err := LoadRGB(bad, 0); err == nil {
		t.Fatal("res 0: no error")
	}
}

// TestLoadRGBCropAndIdentity checks the centre crop: a 6x4 image resized to
// 4 keeps exactly the middle 4 columns.
func TestLoadRGBCropAndIdentity(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 6, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 6; x++ {
			img.Set(x, y, color.RGBA{byte(10*x + y), byte(x), byte(y), 255})
		}
	}
	p := filepath.Join(t.TempDir(), "c.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadRGB(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			want := []byte{byte(10*(x+1) + y), byte(x + 1), byte(y)}
			if g := got[3*(4*y+x) : 3*(4*y+x)+3]; !bytes.Equal(g, want) {
				t.Fatalf("pixel %d,%d = %v, want %v", x, y, g, want)
			}
		}
	}
}

// TestLoadRGBRefusesSpecialFiles: a device, a link to one and a FIFO with
// no writer, named like images, are refused at once with a clear error.
func TestLoadRGBRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.png")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Skip(err)
	}
	fifo := filepath.Join(dir, "fifo.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	raw := filepath.Join(dir, "raw.rgb")
	if err := os.Symlink("/dev/zero", raw); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dev/zero", link, fifo, raw} {
		done := make(chan error, 1)
		go func() { _, err := LoadRGB(p, 8); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s: err = %v, want one naming the file and wrapping fileio.ErrNotRegular", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: LoadRGB blocked", p)
		}
	}
}

// TestLoadRGBRefusesLargeFiles: a file over MaxFileBytes is not read.
func TestLoadRGBRefusesLargeFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	var lerr error
	n := allocated(func() { _, lerr = LoadRGB(p, 8) })
	if !errors.Is(lerr, fileio.ErrTooLarge) || !strings.Contains(lerr.Error(), "big.png") {
		t.Fatalf("err = %v, want fileio.ErrTooLarge naming the file", lerr)
	}
	if n > 1<<20 {
		t.Fatalf("%d bytes allocated for a refused file", n)
	}
}
