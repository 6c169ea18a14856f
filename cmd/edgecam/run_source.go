package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/edgecam/edgecam/camera"
)

// sourceFlags are the capture options of `edgecam run`.
type sourceFlags struct {
	device, source, size, format string
	fps                          float64
}

// parseSize parses "WxH".
func parseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err = strconv.Atoi(a)
		if err == nil {
			h, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || w <= 0 || h <= 0 || w > 16384 || h > 16384 {
		return 0, 0, usagef("run: bad -size %q (want WxH, e.g. 640x480)", s)
	}
	return w, h, nil
}

// openSource builds the source the flags ask for (not yet opened).
func (f *sourceFlags) build(log *slog.Logger) (camera.Source, error) {
	if f.device != "" && f.source != "" {
		return nil, usagef("run: give -device or -source, not both")
	}
	cfg := camera.Config{FPS: f.fps}
	if f.size != "" {
		w, h, err := parseSize(f.size)
		if err != nil {
			return nil, err
		}
		cfg.Width, cfg.Height = w, h
	}
	if f.format != "" && f.format != "auto" {
		pf, err := camera.ParseFormat(f.format)
		if err != nil {
			return nil, usagef("run: -format: %v", err)
		}
		cfg.Format = pf
	}
	if f.fps < 0 {
		return nil, usagef("run: -fps must be >= 0")
	}
	switch {
	case f.source == "synthetic":
		if f.fps == 0 {
			cfg.FPS = -1 // as fast as inference takes them
		}
		s, err := camera.NewSynthetic(cfg)
		if err != nil {
			return nil, usagef("run: %v", err)
		}
		return s, nil
	case f.source != "":
		if f.fps == 0 {
			cfg.FPS = -1
		}
		s, err := camera.NewFiles(f.source, cfg)
		if err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
		s.Log = log // skipped directory entries
		return s, nil
	}
	dev := f.device
	if dev == "" {
		dev = "/dev/video0"
	}
	s, err := camera.NewV4L2(dev, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	return camera.NewReconnecting(s, log), nil
}
