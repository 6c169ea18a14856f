package board

import (
	"bufio"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// ParsePeakRSS returns the peak resident set size in bytes from the text of
// /proc/self/status (the VmHWM line, in kB).
func ParsePeakRSS(status string) (int64, error) {
	sc := bufio.NewScanner(strings.NewReader(status))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || key != "VmHWM" {
			continue
		}
		f := strings.Fields(val)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("status: malformed VmHWM %q", val)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb < 0 {
			return 0, fmt.Errorf("status: malformed VmHWM %q", val)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("status: no VmHWM line")
}

// ReadPeakRSS reads the peak RSS of the running process; nil when unknown.
func ReadPeakRSS(fsys fs.FS) *int64 {
	s, err := readText(fsys, "proc/self/status")
	if err != nil {
		return nil
	}
	v, err := ParsePeakRSS(s)
	if err != nil {
		return nil
	}
	return &v
}
