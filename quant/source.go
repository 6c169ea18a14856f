package quant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgecam/edgecam/camera/imageinput"
)

// FrameSource yields calibration frames: HWC uint8 RGB images of exactly
// res*res*3 bytes at the model resolution.
type FrameSource interface {
	// Next returns the next frame, or io.EOF after the last one.
	Next(ctx context.Context) ([]byte, error)
	// Len is the number of frames, or -1 when unknown.
	Len() int
}

// LoadFunc loads an image file as res x res HWC RGB (imageinput.LoadRGB).
type LoadFunc func(path string, res int) ([]byte, error)

// imageExts are the file types a calibration directory may hold.
var imageExts = []string{".png", ".jpg", ".jpeg", ".bmp", ".rgb"}

// DirSource yields the images of a directory in name order.
type DirSource struct {
	Files []string
	Res   int
	Load  LoadFunc // nil: only .rgb files can be read
	next  int
}

// NewDirSource lists the image files of dir (.png, .jpg, .jpeg, .bmp, .rgb).
// It fails when dir holds none.
func NewDirSource(dir string, res int, load LoadFunc) (*DirSource, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("calibration images: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if slices.Contains(imageExts, strings.ToLower(filepath.Ext(e.Name()))) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("calibration images: no %s files in %s", strings.Join(imageExts, "/"), dir)
	}
	slices.Sort(files)
	return &DirSource{Files: files, Res: res, Load: load}, nil
}

// Len is the number of files.
func (d *DirSource) Len() int { return len(d.Files) }

// Next loads the next file.
func (d *DirSource) Next(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.next >= len(d.Files) {
		return nil, io.EOF
	}
	path := d.Files[d.next]
	d.next++
	rgb, err := d.load(path)
	if err != nil {
		return nil, fmt.Errorf("calibration image %s: %w", path, err)
	}
	if len(rgb) != d.Res*d.Res*3 {
		return nil, fmt.Errorf("calibration image %s: %d bytes, want %dx%dx3", path, len(rgb), d.Res, d.Res)
	}
	return rgb, nil
}

func (d *DirSource) load(path string) ([]byte, error) {
	if strings.EqualFold(filepath.Ext(path), ".rgb") {
		return imageinput.LoadRGB(path, d.Res) // exactly res*res*3 bytes of a regular file
	}
	if d.Load == nil {
		return nil, fmt.Errorf("no image decoder for %s", filepath.Ext(path))
	}
	return d.Load(path, d.Res)
}

// SyntheticSource yields N deterministic pseudo-natural frames: smooth colour
// gradients with blobs and noise, so that activations spread over realistic
// ranges. It is for calibration without images, not for accuracy.
type SyntheticSource struct {
	N, Res int
	Seed   uint64
	done   int
}

// Len is N.
func (s *SyntheticSource) Len() int { return s.N }

// Next renders the next frame.
func (s *SyntheticSource) Next(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.done >= s.N {
		return nil, io.EOF
	}
	r := rand.New(rand.NewPCG(s.Seed, uint64(s.done)))
	s.done++
	res := s.Res
	img := make([]byte, res*res*3)
	var base, dx, dy [3]float64
	for c := range 3 {
		base[c] = r.Float64() * 255
		dx[c] = (r.Float64() - 0.5) * 255
		dy[c] = (r.Float64() - 0.5) * 255
	}
	type blob struct {
		x, y, rad float64
		col       [3]float64
	}
	blobs := make([]blob, 3+r.IntN(4))
	for i := range blobs {
		blobs[i] = blob{r.Float64(), r.Float64(), 0.05 + r.Float64()*0.25,
			[3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}}
	}
	for y := range res {
		fy := float64(y) / float64(res)
		for x := range res {
			fx := float64(x) / float64(res)
			for c := range 3 {
				v := base[c] + dx[c]*fx + dy[c]*fy
				for _, b := range blobs {
					if (fx-b.x)*(fx-b.x)+(fy-b.y)*(fy-b.y) < b.rad*b.rad {
						v = b.col[c]
					}
				}
				v += r.NormFloat64() * 8
				img[(y*res+x)*3+c] = byte(max(0, min(255, v)))
			}
		}
	}
	return img, nil
}

// eachFrame calls fn with every frame of src, in order, until src is
// exhausted, ctx is cancelled or fn fails. what names the caller in errors
// ("calibrate", "compare"). A source that gives no frame at all is an error.
func eachFrame(ctx context.Context, src FrameSource, what string, fn func(rgb []byte) error) error {
	frames := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rgb, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := fn(rgb); err != nil {
			return err
		}
		frames++
	}
	if frames == 0 {
		return fmt.Errorf("%s: the source gave no frames", what)
	}
	return nil
}
