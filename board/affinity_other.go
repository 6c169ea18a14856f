//go:build !linux

package board

import (
	"errors"
	goruntime "runtime"
)

// errAffinity explains why pinning is not available.
var errAffinity = errors.New("affinity: pinning to cpus needs Linux (sched_setaffinity), not " + goruntime.GOOS)

// SetProcessAffinity pins the whole process to the given CPUs: Linux only.
func SetProcessAffinity(cpus []int) error { return errAffinity }

// ProcessAffinity returns the CPUs the process may run on: Linux only.
func ProcessAffinity() ([]int, error) { return nil, errAffinity }
