package board

import (
	"io/fs"
	"strings"
)

// Report describes the machine. Strings that could not be read are
// "unknown"; numbers that could not be read are nil (null in JSON).
type Report struct {
	Kind       Kind     `json:"kind"`        // board family, e.g. "pi4"
	Model      string   `json:"model"`       // device tree model string
	Compatible []string `json:"compatible"`  // device tree compatible list
	SoC        string   `json:"soc"`         // e.g. "BCM2711"
	CPU        string   `json:"cpu"`         // core names, e.g. "Cortex-A72"
	CPUParts   []string `json:"cpu_parts"`   // "implementer:part" from /proc/cpuinfo
	PiRevision string   `json:"pi_revision"` // Raspberry Pi revision code
	MemoryMB   *int     `json:"memory_mb"`   // from the Pi revision code
	Cores      *int     `json:"cores"`       // present CPUs

	Features map[string]bool `json:"features"` // golang.org/x/sys/cpu

	OS            string `json:"os"`             // GOOS
	OSName        string `json:"os_name"`        // /etc/os-release PRETTY_NAME
	Arch          string `json:"arch"`           // GOARCH of this program
	UserBits      *int   `json:"user_bits"`      // this program's pointer size
	KernelArch    string `json:"kernel_arch"`    // uname machine
	KernelBits    *int   `json:"kernel_bits"`    // from the kernel's machine
	KernelRelease string `json:"kernel_release"` // uname release

	CPUFreq  []FreqPolicy `json:"cpufreq"`
	CurMHz   *float64     `json:"cur_mhz"`  // the policy of CPU 0
	MaxMHz   *float64     `json:"max_mhz"`  // the policy of CPU 0
	Governor string       `json:"governor"` // the policy of CPU 0

	Thermal  []ThermalZone `json:"thermal"`
	TempC    *float64      `json:"temp_c"`    // the SoC zone
	TempZone string        `json:"temp_zone"` // the zone TempC was read from

	Throttle Throttle `json:"throttle"`
	Periph   Periph   `json:"periph"`
}

// Detect reads everything the Source offers. It never fails: what cannot be
// read is reported unknown.
func Detect(src Source) Report {
	r := Report{
		Kind: KindUnknown, Model: Unknown, Compatible: []string{}, SoC: Unknown, CPU: Unknown,
		CPUParts: []string{}, PiRevision: Unknown, Features: map[string]bool{},
		OS: orUnknown(src.GOOS), OSName: Unknown, Arch: orUnknown(src.GOARCH),
		KernelArch: Unknown, KernelRelease: Unknown, CPUFreq: []FreqPolicy{},
		Governor: Unknown, Thermal: []ThermalZone{}, TempZone: Unknown,
	}
	if src.UserBits > 0 {
		r.UserBits = intPtr(src.UserBits)
	}
	fsys := src.FS

	// Device tree, then /proc/cpuinfo.
	if s, err := readText(fsys, "proc/device-tree/model"); err == nil && s != "" {
		r.Model = s
	}
	if b, err := readFile(fsys, "proc/device-tree/compatible"); err == nil {
		r.Compatible = append(r.Compatible, ParseDTStrings(b)...)
	}
	var rev *PiRevision
	if s, err := readText(fsys, "proc/cpuinfo"); err == nil {
		if ci, err := ParseCPUInfo(s); err == nil {
			r.CPU = cpuName(ci, src.GOARCH)
			r.CPUParts = append(r.CPUParts, ci.Parts...)
			if ci.Model != "" && r.Model == Unknown {
				r.Model = ci.Model
			}
			if ci.Revision != "" {
				r.PiRevision = ci.Revision
				if pr, err := ParsePiRevision(ci.Revision); err == nil {
					rev = &pr
					r.MemoryMB = intPtr(pr.MemoryMB)
				}
			}
			if ci.Processors > 0 {
				r.Cores = intPtr(ci.Processors)
			}
		}
	}
	model := r.Model
	if model == Unknown {
		model = ""
	}
	r.Kind = Identify(model, rev, src.GOARCH)
	if soc := SoCFromCompatible(r.Compatible); soc != "" {
		r.SoC = soc
	} else if rev != nil && rev.Processor != "" {
		r.SoC = rev.Processor
	}
	if s, err := readText(fsys, "sys/devices/system/cpu/present"); err == nil {
		if cpus, err := ParseCPUList(s); err == nil {
			r.Cores = intPtr(len(cpus))
		}
	}

	if src.Features != nil {
		r.Features = src.Features()
	}
	if s, err := readText(fsys, "etc/os-release"); err == nil {
		r.OSName = orUnknown(ParseOSRelease(s))
	}
	if src.Uname != nil {
		if machine, release, err := src.Uname(); err == nil {
			r.KernelArch, r.KernelRelease = orUnknown(machine), orUnknown(release)
			if bits := MachineBits(machine); bits > 0 {
				r.KernelBits = intPtr(bits)
			}
		}
	}

	r.CPUFreq = append(r.CPUFreq, ReadCPUFreq(fsys)...)
	if p := policyOfCPU0(r.CPUFreq); p != nil {
		r.CurMHz, r.MaxMHz, r.Governor = p.CurMHz, p.MaxMHz, p.Governor
	}
	r.Thermal = append(r.Thermal, ReadThermal(fsys)...)
	if z := SoCZone(r.Thermal); z != nil {
		r.TempC, r.TempZone = z.TempC, z.Name+" ("+z.Type+")"
	}
	r.Throttle = ReadThrottle(fsys)
	if src.Periph != nil {
		r.Periph = src.Periph()
	}
	if r.Periph.Drivers == nil {
		r.Periph.Drivers = []string{}
	}
	return r
}

// cpuName names the cores from cpuinfo, refusing a name that cannot describe
// an ARM program's CPU: qemu-user shows the host's /proc/cpuinfo, so an arm64
// program may read an x86 "model name" there.
func cpuName(ci CPUInfo, goarch string) string {
	if (goarch == "arm" || goarch == "arm64") && len(ci.Parts) == 0 && !strings.Contains(strings.ToLower(ci.ModelName), "arm") {
		return Unknown
	}
	return ci.CPUName()
}

// policyOfCPU0 returns the cpufreq policy that holds CPU 0.
func policyOfCPU0(ps []FreqPolicy) *FreqPolicy {
	for i := range ps {
		if cpus, err := ParseCPUList(ps[i].CPUs); err == nil && len(cpus) > 0 && cpus[0] == 0 {
			return &ps[i]
		}
	}
	for i := range ps {
		if ps[i].Name == "policy0" {
			return &ps[i]
		}
	}
	return nil
}

// MachineBits maps a uname machine to the kernel's word size; 0 if unknown.
func MachineBits(machine string) int {
	m := strings.ToLower(machine)
	switch {
	case m == "aarch64" || m == "arm64" || m == "x86_64" || m == "amd64" || m == "riscv64" ||
		m == "ppc64le" || m == "s390x" || m == "loongarch64" || m == "mips64":
		return 64
	case strings.HasPrefix(m, "armv") || m == "arm" || m == "i386" || m == "i686" || m == "x86":
		return 32
	}
	return 0
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	if fsys == nil {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(fsys, name)
}

func intPtr(v int) *int { return &v }
