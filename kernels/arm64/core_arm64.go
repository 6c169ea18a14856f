//go:build gc && !purego

package arm64

import (
	"bufio"
	"io"
	"os"
	"strings"
)

// A53 reports whether every core of this machine is an Arm Cortex-A53 (CPU
// part 0xd03: Raspberry Pi 3, Pi Zero 2 W), read once from /proc/cpuinfo.
// The kernels scheduled for in-order cores (PointwiseF32A53,
// PointwiseQ8A53) are registered as available there. Under qemu-user
// /proc/cpuinfo is the host's (qemu 7.2) unless the -L prefix holds one,
// as in the A53 pass of scripts/test-arm64.sh; unit tests inject the text
// through OnlyA53.
var A53 = OnlyA53(readCPUInfo())

// cpuInfoLimit bounds how much of /proc/cpuinfo is read: far more than a
// 256-core machine's.
const cpuInfoLimit = 1 << 20

// readCPUInfo returns the text of /proc/cpuinfo, or "" when it cannot be
// read.
func readCPUInfo() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, cpuInfoLimit))
	if err != nil {
		return ""
	}
	return string(b)
}

// OnlyA53 reports whether the text of /proc/cpuinfo lists at least one CPU
// part and every "CPU implementer"/"CPU part" pair is Arm's 0x41/0xd03
// (Cortex-A53). A big.LITTLE chip with A53 cores beside out-of-order ones
// (RK3399: A53 + A72) is not: its threads may run on either, and the
// out-of-order schedules are the ones its big cores need.
func OnlyA53(cpuinfo string) bool {
	impl, parts, a53 := "", 0, 0
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "cpu implementer":
			impl = strings.ToLower(strings.TrimSpace(val))
		case "cpu part":
			parts++
			if impl == "0x41" && strings.ToLower(strings.TrimSpace(val)) == "0xd03" {
				a53++
			}
		}
	}
	return parts > 0 && a53 == parts
}
