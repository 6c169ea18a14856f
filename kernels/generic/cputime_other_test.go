//go:build !linux

package generic_test

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }

func lockThread() (unlock func()) { return func() {} }
