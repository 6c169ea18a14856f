package board

import (
	"testing"
	"testing/fstest"
)

// The parsers read files any process or kernel may have written: they must
// never panic, whatever the bytes. `go test -fuzz=FuzzX ./board` explores
// further; plain `go test` runs the seeds.

func FuzzParseCPUList(f *testing.F) {
	for _, s := range []string{"0-3", "0-3,5,7-8", "3-1", "", ",", "4095", "0-4096", "1-", "--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cpus, err := ParseCPUList(s)
		if err != nil {
			return
		}
		again, err := ParseCPUList(FormatCPUList(cpus))
		if err != nil || len(again) != len(cpus) {
			t.Fatalf("%q: round trip %v -> %q -> %v, %v", s, cpus, FormatCPUList(cpus), again, err)
		}
	})
}

func FuzzParseCPUInfo(f *testing.F) {
	f.Add("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\nRevision\t: c03114\nModel\t: Raspberry Pi 4\n")
	f.Add("processor : 0\nmodel name : x\nflags : a b\n")
	f.Add(":\n::\nprocessor:\n")
	f.Fuzz(func(t *testing.T, s string) {
		if ci, err := ParseCPUInfo(s); err == nil {
			_ = ci.CPUName()
			if ci.Revision != "" {
				_, _ = ParsePiRevision(ci.Revision)
			}
		}
	})
}

func FuzzParseSmallFiles(f *testing.F) {
	for _, s := range []string{"50005", "throttled=0x0", "45764", "-274000", "1800000", "VmHWM:\t 12 kB\n", "PRETTY_NAME=\"x\"", "a\x00b\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseThrottled(s)
		_, _ = ParseMilliCelsius(s)
		_, _ = ParseKHz(s)
		_, _ = ParsePeakRSS(s)
		_ = ParseOSRelease(s)
		_ = SoCFromCompatible(ParseDTStrings([]byte(s)))
		_ = Identify(s, nil, "arm64")
	})
}

// FuzzDetect writes the same bytes into every file Detect reads.
func FuzzDetect(f *testing.F) {
	f.Add("0")
	f.Add("Raspberry Pi 4 Model B Rev 1.4\x00")
	f.Add("processor : 0\nRevision : c03114\n")
	f.Fuzz(func(t *testing.T, s string) {
		m := fstest.MapFS{}
		for _, p := range []string{
			"proc/cpuinfo", "proc/device-tree/model", "proc/device-tree/compatible", "proc/self/status",
			"sys/devices/system/cpu/present", "etc/os-release",
			"sys/devices/system/cpu/cpufreq/policy0/related_cpus", "sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq",
			"sys/devices/system/cpu/cpufreq/policy0/cpuinfo_max_freq", "sys/devices/system/cpu/cpufreq/policy0/scaling_governor",
			"sys/class/thermal/thermal_zone0/type", "sys/class/thermal/thermal_zone0/temp",
			"sys/devices/platform/soc/soc:firmware/get_throttled",
		} {
			m[p] = &fstest.MapFile{Data: []byte(s)}
		}
		r := Detect(Source{FS: m, GOARCH: "arm64"})
		if r.Kind == "" || r.Model == "" || r.SoC == "" || r.CPU == "" {
			t.Fatalf("empty field instead of unknown: %+v", r)
		}
	})
}
