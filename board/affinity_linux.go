//go:build linux

package board

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// cpuSetSize is the number of CPUs a unix.CPUSet holds (glibc CPU_SETSIZE).
const cpuSetSize = 1024

// SetProcessAffinity pins the whole process to the given CPUs. Go runs
// goroutines on any of its threads, so every existing thread of the process
// is pinned (threads created later inherit the mask from their creator).
func SetProcessAffinity(cpus []int) error {
	if len(cpus) == 0 {
		return fmt.Errorf("affinity: no cpus given")
	}
	var set unix.CPUSet
	set.Zero()
	for _, c := range cpus {
		if c < 0 || c >= cpuSetSize {
			return fmt.Errorf("affinity: cpu %d out of range", c)
		}
		set.Set(c)
	}
	// Hold this goroutine on one thread while the mask is applied, so the
	// thread list read below does not change under the caller.
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	// A thread started during a pass may have copied the old mask: repeat
	// until a pass finds no thread it has not pinned.
	pinned := map[int]bool{}
	for pass := 0; pass < 4; pass++ {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("affinity: list threads: %w", err)
		}
		fresh := 0
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil || pinned[tid] {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil {
				if errors.Is(err, unix.ESRCH) {
					continue // the thread exited meanwhile
				}
				return fmt.Errorf("affinity: pin thread %d to cpus %s: %w", tid, FormatCPUList(cpus), err)
			}
			pinned[tid] = true
			fresh++
		}
		if fresh == 0 {
			break
		}
	}
	return nil
}

// ProcessAffinity returns the CPUs the calling thread may run on.
func ProcessAffinity() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("affinity: %w", err)
	}
	var cpus []int
	for c := 0; c < cpuSetSize; c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}
