package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgecam/edgecam/camera"
	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/quant"
)

// calibSource opens the calibration source named by -calib: a directory of
// images, "synthetic" (generated frames) or "camera[:DEVICE]" (V4L2 frames).
// frames limits the synthetic and camera sources. The returned close
// function releases the camera.
func calibSource(ctx context.Context, spec string, res, frames int) (quant.FrameSource, func(), error) {
	nop := func() {}
	switch {
	case spec == "synthetic":
		return &quant.SyntheticSource{N: frames, Res: res, Seed: 1}, nop, nil
	case spec == "camera" || strings.HasPrefix(spec, "camera:"):
		dev := strings.TrimPrefix(strings.TrimPrefix(spec, "camera"), ":")
		if dev == "" {
			dev = "/dev/video0"
		}
		src, err := camera.NewV4L2(dev, camera.Config{}, slog.New(slog.DiscardHandler))
		if err != nil {
			return nil, nop, fmt.Errorf("calibration camera: %w", err)
		}
		if err := src.Open(ctx); err != nil {
			return nil, nop, fmt.Errorf("calibration camera %s: %w", dev, err)
		}
		cs := &cameraSource{src: src, conv: camera.NewConverter(res), n: frames, res: res}
		return cs, func() { src.Close() }, nil
	}
	if err := checkCalibDir(spec); err != nil {
		return nil, nop, err
	}
	src, err := quant.NewDirSource(spec, res, imageinput.LoadRGB)
	if err != nil {
		return nil, nop, err
	}
	if err := checkCalibFiles(src.Files, res); err != nil {
		return nil, nop, err
	}
	return src, nop, nil
}

// checkCalibFiles refuses, before calibration starts, a calibration file
// that is not a regular file (a FIFO or a link to /dev/zero named like an
// image would block or never end) and a raw .rgb file of the wrong size.
func checkCalibFiles(files []string, res int) error {
	for _, p := range files {
		var limit int64
		if strings.EqualFold(filepath.Ext(p), ".rgb") {
			limit = int64(res) * int64(res) * 3
		}
		if err := checkInputFile(p, "calibration image", limit); err != nil {
			return err
		}
		if limit > 0 {
			if fi, err := os.Stat(p); err != nil || fi.Size() != limit {
				return fmt.Errorf("calibration image %s: raw RGB file is not %dx%dx3 = %d bytes", p, res, res, limit)
			}
		}
	}
	return nil
}

// cameraSource adapts a camera.Source to quant.FrameSource for n frames,
// skipping frames the camera marks bad.
type cameraSource struct {
	src       camera.Source
	conv      *camera.Converter
	n, done   int
	res, skip int
}

// maxBadFrames bounds the bad frames skipped in a row before giving up.
const maxBadFrames = 30

func (c *cameraSource) Len() int { return c.n }

func (c *cameraSource) Next(ctx context.Context) ([]byte, error) {
	if c.done >= c.n {
		return nil, io.EOF
	}
	for {
		f, err := c.src.Next(ctx)
		if errors.Is(err, camera.ErrEndOfStream) {
			return nil, io.EOF
		}
		if err != nil && !errors.Is(err, camera.ErrBadFrame) && !errors.Is(err, camera.ErrTimeout) {
			return nil, fmt.Errorf("calibration camera: %w", err)
		}
		if err == nil {
			rgb := make([]byte, 3*c.res*c.res)
			err = c.conv.Convert(rgb, f)
			c.src.Release(f)
			if err == nil {
				c.done++
				c.skip = 0
				return rgb, nil
			}
		}
		if c.skip++; c.skip > maxBadFrames {
			return nil, fmt.Errorf("calibration camera: %d bad frames in a row: %w", c.skip, err)
		}
	}
}
