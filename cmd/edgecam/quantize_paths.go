package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgecam/edgecam/internal/fileio"
)

// checkQuantizePaths refuses, before any work, the paths quantize cannot
// use: a -model that is not a regular file (a FIFO, /dev/zero), a -calib
// path that names neither a directory nor a source keyword, and an -out that
// is the model itself (by any path: symbolic link, hard link), a device, a
// FIFO or a directory, or lies in a directory that does not exist.
func checkQuantizePaths(f *quantizeFlags) error {
	if err := checkInputFile(f.model, "model", 0); err != nil {
		return err
	}
	if f.calib != "" && f.calib != "synthetic" && f.calib != "camera" && !strings.HasPrefix(f.calib, "camera:") {
		if err := checkCalibDir(f.calib); err != nil {
			return err
		}
	}
	return checkOutput(f.out, f.model)
}

// checkCalibDir checks that dir is a directory (os.Stat does not block on a
// FIFO, where reading it as a directory would).
func checkCalibDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("calibration images: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("calibration images %s: not a directory (want a directory of images, synthetic or camera[:DEV])", dir)
	}
	return nil
}

// checkOutput refuses an -out that would replace the model (os.SameFile, so
// a symbolic link or another path to it is caught) or something other than a
// regular file, and one whose directory is missing.
func checkOutput(out, model string) error {
	if ofi, err := os.Stat(out); err == nil {
		if mfi, err := os.Stat(model); err == nil && os.SameFile(ofi, mfi) {
			return fmt.Errorf("-out %s is the input model %s: refusing to replace it", out, model)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("-out %s: %w", out, err)
	}
	if err := fileio.CheckWritable(out); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	dir := filepath.Dir(out)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("-out %s: directory %s does not exist", out, dir)
	}
	return nil
}
