//go:build !linux

package camera

import "testing"

// cpuTimer reports nothing off Linux.
func cpuTimer(b *testing.B) (stop func()) { return func() {} }
