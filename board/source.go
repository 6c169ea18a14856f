package board

import (
	"errors"
	"io/fs"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
)

// Unknown is the value of a string field that could not be read.
const Unknown = "unknown"

// Source is where the board readers take their facts from. Only FS is
// required; a nil function leaves its fields unknown.
type Source struct {
	// FS is the machine's root file system. Names are rooted paths without
	// the leading slash: "proc/cpuinfo", "sys/class/thermal".
	FS fs.FS
	// GOOS and GOARCH describe the running program; empty means unknown.
	GOOS, GOARCH string
	// UserBits is the pointer size of the running program (32 or 64); 0 is unknown.
	UserBits int
	// Uname returns the kernel's machine (e.g. "aarch64") and release.
	Uname func() (machine, release string, err error)
	// Features returns the CPU features kernel selection reads.
	Features func() map[string]bool
	// Periph probes the board through periph.io.
	Periph func() Periph
}

// Live is the Source of the running machine.
func Live() Source {
	return Source{
		FS:       os.DirFS("/"),
		GOOS:     goruntime.GOOS,
		GOARCH:   goruntime.GOARCH,
		UserBits: strconv.IntSize,
		Uname:    uname,
		Features: CPUFeatures,
		Periph:   probePeriph,
	}
}

// readText reads a small text file and trims surrounding white space and
// NUL bytes (device tree strings end in NUL).
func readText(fsys fs.FS, name string) (string, error) {
	if fsys == nil {
		return "", errors.New("board: no file system")
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	return strings.Trim(string(b), " \t\r\n\x00"), nil
}

// orUnknown maps an empty string to Unknown.
func orUnknown(s string) string {
	if s == "" {
		return Unknown
	}
	return s
}

func readDir(fsys fs.FS, name string) ([]fs.DirEntry, error) {
	if fsys == nil {
		return nil, errors.New("board: no file system")
	}
	return fs.ReadDir(fsys, name)
}
