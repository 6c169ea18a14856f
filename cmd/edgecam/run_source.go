package main

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/edgecam/edgecam/camera"
)

// sourceFlags are the capture options of `edgecam run`.
type sourceFlags struct {
	device, source, size, format string
	fps                          float64
	fpsGiven                     bool // -fps was on the command line
}

// Forms of -source that are streams rather than files.
const (
	stdinSource = "-"     // frames on standard input
	execPrefix  = "exec:" // frames on a command's standard output
)

// stream reports whether the source is a pipe or a command.
func (f *sourceFlags) stream() bool {
	return f.source == stdinSource || strings.HasPrefix(f.source, execPrefix)
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

// config is the camera.Config the flags ask for (checked by validate).
func (f *sourceFlags) config() (camera.Config, error) {
	cfg := camera.Config{FPS: f.fps}
	if f.size != "" {
		w, h, err := parseSize(f.size)
		if err != nil {
			return cfg, err
		}
		cfg.Width, cfg.Height = w, h
	}
	if f.format != "" && f.format != "auto" {
		pf, err := camera.ParseFormat(f.format)
		if err != nil {
			return cfg, usagef("run: -format: %v", err)
		}
		cfg.Format = pf
	}
	return cfg, nil
}

// build makes the source the flags ask for (not yet opened). stdin is what
// `-source -` reads.
func (f *sourceFlags) build(log *slog.Logger, stdin io.Reader) (camera.Source, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	switch {
	case f.source == stdinSource:
		if stdin == nil {
			return nil, usagef("run: -source -: there is no standard input to read")
		}
		s, err := camera.NewPipe("stdin", stdin, cfg)
		if err != nil {
			return nil, usagef("run: -source -: %v", err)
		}
		return s, nil
	case strings.HasPrefix(f.source, execPrefix):
		args, err := camera.SplitCommand(strings.TrimPrefix(f.source, execPrefix))
		if err != nil {
			return nil, usagef("run: -source %s: %v", f.source, err)
		}
		s, err := camera.NewCommand(args, cfg)
		if err != nil {
			return nil, usagef("run: -source %s: %v", f.source, err)
		}
		s.Log = log // the command's ends and restarts, its stderr at debug level
		return s, nil
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

// pull reports whether the pipeline should capture a frame only once
// inference has taken the previous one: for sources that make frames on
// demand, and for streams, whose producer then waits for inference, at -fps
// 0. Otherwise the newest frame wins.
func (f *sourceFlags) pull() bool { return f.source != "" && f.fps == 0 }
