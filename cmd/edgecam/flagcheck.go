package main

import (
	"fmt"
	"math"

	"github.com/edgecam/edgecam/internal/fileio"
)

// maxThreads is the largest -threads any command accepts: the runtime's own
// bound on Options.Threads (each worker gets its own scratch buffers).
const maxThreads = 256

// maxTop bounds -top: results hold that many classes (ImageNet has 1001).
const maxTop = 1000

// checkThreads validates a -threads flag: 0 (one per core) to maxThreads.
func checkThreads(cmd string, n int) error {
	if n < 0 || n > maxThreads {
		return usagef("%s: -threads %d: want 0 (one per core) to %d", cmd, n, maxThreads)
	}
	return nil
}

// checkUnit validates a flag that holds a fraction in [0, 1] (NaN is not).
func checkUnit(cmd, flag string, v float64) error {
	if !(v >= 0 && v <= 1) {
		return usagef("%s: -%s %v: want a number in [0, 1]", cmd, flag, v)
	}
	return nil
}

// finite32 reports whether v is neither NaN nor ±Inf.
func finite32(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// checkInputFile checks, without reading it and without blocking, that path
// names a regular file (symbolic links followed): a FIFO, a device such as
// /dev/zero or a directory given where a file is read is refused at once
// with an error naming it. limit > 0 also bounds its size. The libraries
// that read these files bound their own reads; this check makes every
// command refuse them before it does any work.
func checkInputFile(path, what string, limit int64) error {
	f, err := fileio.Open(path, what)
	if err != nil {
		return err
	}
	defer f.Close()
	if limit <= 0 {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	if fi.Size() > limit {
		return fmt.Errorf("%s %s: %w: %d bytes, the limit for a %s is %d", what, path, fileio.ErrTooLarge, fi.Size(), what, limit)
	}
	return nil
}
