package board

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CPUInfo is what /proc/cpuinfo says about the processors.
type CPUInfo struct {
	Processors int      // "processor" entries
	Parts      []string // distinct "implementer:part" pairs, e.g. "0x41:0xd08"
	ModelName  string   // "model name" (x86, 32-bit ARM kernels)
	Hardware   string   // "Hardware" (older Raspberry Pi kernels)
	Revision   string   // "Revision", the Raspberry Pi revision code
	Model      string   // "Model", the board name on Raspberry Pi kernels
	Flags      []string // "Features" (ARM) or "flags" (x86) of the first processor
}

// ParseCPUInfo parses the text of /proc/cpuinfo. Unknown keys are ignored;
// text with no "processor" entry and no CPU part is an error.
func ParseCPUInfo(text string) (CPUInfo, error) {
	var ci CPUInfo
	parts := map[string]bool{}
	impl := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if key == "Model" { // Raspberry Pi kernels; x86's lower-case "model" is a number
			ci.Model = val
			continue
		}
		switch strings.ToLower(key) {
		case "processor":
			if _, err := strconv.Atoi(val); err == nil {
				ci.Processors++
			}
		case "cpu implementer":
			impl = strings.ToLower(val)
		case "cpu part":
			if impl != "" && val != "" {
				parts[impl+":"+strings.ToLower(val)] = true
			}
		case "model name":
			if ci.ModelName == "" {
				ci.ModelName = val
			}
		case "hardware":
			ci.Hardware = val
		case "revision":
			ci.Revision = val
		case "features", "flags":
			if ci.Flags == nil {
				ci.Flags = strings.Fields(val)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return CPUInfo{}, fmt.Errorf("cpuinfo: %w", err)
	}
	for p := range parts {
		ci.Parts = append(ci.Parts, p)
	}
	sort.Strings(ci.Parts)
	if ci.Processors == 0 && len(ci.Parts) == 0 {
		return CPUInfo{}, fmt.Errorf("cpuinfo: no processor entries")
	}
	return ci, nil
}

// CPUName names the cores: ARM part names ("Cortex-A72", or "Cortex-A55 +
// Cortex-A76" on big.LITTLE chips), else the x86 model name, else Unknown.
func (ci CPUInfo) CPUName() string {
	var names []string
	for _, p := range ci.Parts {
		impl, part, _ := strings.Cut(p, ":")
		if n, ok := armParts[impl+":"+part]; ok {
			names = append(names, n)
		} else {
			names = append(names, "part "+p)
		}
	}
	if len(names) > 0 {
		return strings.Join(names, " + ")
	}
	if ci.ModelName != "" {
		return ci.ModelName
	}
	return Unknown
}

// armParts names CPU parts by "implementer:part" (Arm Ltd is 0x41), from
// the Arm technical reference manuals' MIDR values.
var armParts = map[string]string{
	"0x41:0xb76": "ARM1176",
	"0x41:0xc07": "Cortex-A7",
	"0x41:0xc08": "Cortex-A8",
	"0x41:0xc09": "Cortex-A9",
	"0x41:0xc0f": "Cortex-A15",
	"0x41:0xd03": "Cortex-A53",
	"0x41:0xd04": "Cortex-A35",
	"0x41:0xd05": "Cortex-A55",
	"0x41:0xd07": "Cortex-A57",
	"0x41:0xd08": "Cortex-A72",
	"0x41:0xd09": "Cortex-A73",
	"0x41:0xd0a": "Cortex-A75",
	"0x41:0xd0b": "Cortex-A76",
	"0x41:0xd0c": "Neoverse-N1",
	"0x41:0xd0d": "Cortex-A77",
	"0x41:0xd40": "Neoverse-V1",
	"0x41:0xd41": "Cortex-A78",
	"0x41:0xd44": "Cortex-X1",
	"0x41:0xd46": "Cortex-A510",
	"0x41:0xd47": "Cortex-A710",
	"0x41:0xd48": "Cortex-X2",
	"0x41:0xd49": "Neoverse-N2",
	"0x41:0xd4d": "Cortex-A715",
	"0x41:0xd4f": "Neoverse-V2",
	"0x41:0xd80": "Cortex-A520",
	"0x41:0xd81": "Cortex-A720",
	"0x41:0xd82": "Cortex-X4",
}
