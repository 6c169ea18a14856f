package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgecam/edgecam/camera"
)

// Frame rates -fps accepts besides 0 (as fast as inference takes frames).
// No source delivers outside them, and a rate such as 1e-300 would give a
// frame period far beyond what a time.Duration holds.
const (
	minFPS = 0.01 // one frame per 100 s
	maxFPS = 1000
)

// maxFramePixels bounds -size: 12.6 MP (4096x3072) is above every camera
// edgecam targets (the Pi HQ camera's 4056x3040 included) and keeps peak
// memory near 140 MB in the worst pixel format; 8192x8192 took 580 MB.
const maxFramePixels = 4096 * 3072

// Stream client slots -http-clients accepts; every slot holds a connection
// and a goroutine.
const maxStreamClients = 64

// maxLabelsBytes bounds a labels file: ImageNet-21k's 21843 labels take
// under 500 KB.
const maxLabelsBytes = 4 << 20

// validate checks every flag of `edgecam run` before anything is opened, so
// that a bad value is a usage error (exit 2) naming the flag, not a failure
// (or zero results) later.
func (o *runOptions) validate(fs *flag.FlagSet) error {
	fs.Visit(func(f *flag.Flag) { o.src.fpsGiven = o.src.fpsGiven || f.Name == "fps" })
	if o.top < 1 || o.top > maxTop {
		return usagef("run: -top %d: want 1..%d", o.top, maxTop)
	}
	if err := checkUnit("run", "threshold", o.threshold); err != nil {
		return err
	}
	if o.frames < 0 {
		return usagef("run: -frames %d: want 0 (no limit) or more", o.frames)
	}
	if err := checkThreads("run", o.threads); err != nil {
		return err
	}
	if err := o.src.validate(); err != nil {
		return err
	}
	if err := o.watch.validate(); err != nil {
		return err
	}
	if err := o.gpio.validate(o.watch); err != nil {
		return err
	}
	if err := o.snap.validate(fs, o.watch); err != nil {
		return err
	}
	if err := o.mqtt.validate(fs); err != nil {
		return err
	}
	if o.httpAddr == "" {
		if o.allowHosts != "" {
			return usagef("run: -http-allow-host needs -http ADDR")
		}
		return nil
	}
	if _, err := listenAddr(o.httpAddr); err != nil {
		return err
	}
	if o.maxClients < 1 || o.maxClients > maxStreamClients {
		return usagef("run: -http-clients %d: want 1..%d", o.maxClients, maxStreamClients)
	}
	_, err := parseAllowHosts(o.allowHosts)
	return err
}

// validate checks the capture flags: -fps, -size, -format and what they
// mean together (YUYV needs an even width, NV12 an even width and height).
func (f *sourceFlags) validate() error {
	if f.device != "" && f.source != "" {
		return usagef("run: give -device or -source, not both")
	}
	if !(f.fps == 0 || (f.fps >= minFPS && f.fps <= maxFPS)) {
		return usagef("run: -fps %v: want 0 (as fast as inference takes frames) or %g..%g", f.fps, minFPS, float64(maxFPS))
	}
	w, h := 640, 480 // what the sources default to
	if f.size != "" {
		var err error
		if w, h, err = parseSize(f.size); err != nil {
			return err
		}
		if w*h > maxFramePixels {
			return usagef("run: -size %dx%d: at most %d pixels (e.g. 4096x3072)", w, h, maxFramePixels)
		}
	}
	format := camera.FormatUnknown
	if f.format != "" && f.format != "auto" {
		pf, err := camera.ParseFormat(f.format)
		if err != nil {
			return usagef("run: -format: %v", err)
		}
		format = pf
	}
	switch ext := strings.ToLower(filepath.Ext(f.source)); {
	case f.stream():
		if err := f.validateStream(format); err != nil {
			return err
		}
	case ext == ".yuyv" || ext == ".i420":
		format, _ = camera.ParseFormat(ext[1:])
		if f.size == "" {
			return usagef("run: -source %s: a raw %s recording needs -size WxH", f.source, strings.ToUpper(ext[1:]))
		}
	}
	switch {
	case format == camera.FormatYUYV && w%2 != 0:
		return usagef("run: -size %dx%d: YUYV needs an even width", w, h)
	case format == camera.FormatNV12 && (w%2 != 0 || h%2 != 0):
		return usagef("run: -size %dx%d: NV12 needs an even width and height", w, h)
	}
	return nil
}

// validateStream checks the flags of a pipe or command source: it needs
// -format, and -size for raw formats; its producer sets the rate, so -fps
// may only be 0 (take every frame, the producer waiting for inference).
func (f *sourceFlags) validateStream(format camera.PixelFormat) error {
	if strings.HasPrefix(f.source, execPrefix) {
		if _, err := camera.SplitCommand(strings.TrimPrefix(f.source, execPrefix)); err != nil {
			return usagef("run: -source %s: %v", f.source, err)
		}
	}
	if format == camera.FormatUnknown {
		return usagef("run: -source %s needs -format: i420, yuyv, nv12, rgb24, grey or mjpeg", f.source)
	}
	if format != camera.FormatMJPEG && f.size == "" {
		return usagef("run: -source %s: a raw %v stream needs -size WxH", f.source, format)
	}
	if f.fpsGiven && f.fps != 0 {
		return usagef("run: -fps %v with -source %s: the producer sets the frame rate (e.g. rpicam-vid --framerate); -fps 0 takes every frame, the producer waiting for inference", f.fps, f.source)
	}
	return nil
}

// checkInputs refuses, before the model is loaded, input paths that name
// FIFOs, devices or (where a file is expected) directories.
func (o *runOptions) checkInputs() error {
	if o.model != "" {
		if err := checkInputFile(o.model, "model", 0); err != nil {
			return err
		}
	}
	if o.labels != "" {
		if err := checkInputFile(o.labels, "labels", maxLabelsBytes); err != nil {
			return err
		}
	}
	if o.src.source == "" || o.src.source == "synthetic" || o.src.stream() {
		return nil
	}
	if fi, err := os.Stat(o.src.source); err == nil && fi.IsDir() {
		return nil // a directory of images and streams
	}
	return checkInputFile(o.src.source, "source", 0)
}
