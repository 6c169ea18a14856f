package board

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// FreqPolicy is one cpufreq policy: a group of cores that share a clock.
type FreqPolicy struct {
	Name     string   `json:"name"`     // "policy0"
	CPUs     string   `json:"cpus"`     // "0-3", or "unknown"
	CurMHz   *float64 `json:"cur_mhz"`  // scaling_cur_freq
	MaxMHz   *float64 `json:"max_mhz"`  // cpuinfo_max_freq
	Governor string   `json:"governor"` // scaling_governor, or "unknown"
}

const cpufreqDir = "sys/devices/system/cpu/cpufreq"

// ReadCPUFreq reads every cpufreq policy. A machine without cpufreq (a VM,
// qemu-user, a kernel without the driver) returns no policies and no error.
func ReadCPUFreq(fsys fs.FS) []FreqPolicy {
	ents, err := readDir(fsys, cpufreqDir)
	if err != nil {
		return nil
	}
	var out []FreqPolicy
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "policy") {
			continue
		}
		dir := path.Join(cpufreqDir, e.Name())
		p := FreqPolicy{Name: e.Name(), CPUs: Unknown, Governor: Unknown}
		if s, err := readText(fsys, path.Join(dir, "related_cpus")); err == nil {
			if cpus, err := ParseCPUList(strings.Join(strings.Fields(s), ",")); err == nil {
				p.CPUs = FormatCPUList(cpus)
			}
		}
		p.CurMHz = readKHzAsMHz(fsys, path.Join(dir, "scaling_cur_freq"))
		p.MaxMHz = readKHzAsMHz(fsys, path.Join(dir, "cpuinfo_max_freq"))
		if s, err := readText(fsys, path.Join(dir, "scaling_governor")); err == nil && s != "" && !strings.ContainsAny(s, " \n") {
			p.Governor = s
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return policyNum(out[i].Name) < policyNum(out[j].Name) })
	return out
}

func policyNum(name string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "policy"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// readKHzAsMHz reads a cpufreq frequency in kHz; nil when absent or malformed.
func readKHzAsMHz(fsys fs.FS, name string) *float64 {
	s, err := readText(fsys, name)
	if err != nil {
		return nil
	}
	khz, err := ParseKHz(s)
	if err != nil {
		return nil
	}
	mhz := float64(khz) / 1000
	return &mhz
}

// ParseKHz parses a cpufreq frequency file (a positive integer in kHz).
func ParseKHz(s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cpufreq: %w", err)
	}
	if v <= 0 || v > 100_000_000 { // above 100 GHz is not a CPU clock
		return 0, fmt.Errorf("cpufreq: frequency %d kHz out of range", v)
	}
	return v, nil
}
