//go:build unix

package fileio

import (
	"os"
	"syscall"
)

// openNonBlocking opens with O_NONBLOCK so that opening a FIFO with no writer
// returns at once instead of waiting for one.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// clearNonBlocking restores blocking reads once the file is known to be
// regular (reads of regular files never block anyway; this keeps the *os.File
// in its ordinary mode).
func clearNonBlocking(f *os.File) error {
	return syscall.SetNonblock(int(f.Fd()), false)
}

// processAlive reports whether a process with this id exists (signal 0
// checks without sending anything; EPERM means it exists under another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
