package board

import (
	"reflect"
	"testing"
)

func TestParseCPUList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		fmt  string
	}{
		{"0", []int{0}, "0"},
		{"0-3", []int{0, 1, 2, 3}, "0-3"},
		{"0-3,5,7-8\n", []int{0, 1, 2, 3, 5, 7, 8}, "0-3,5,7-8"},
		{"4,2,2,3", []int{2, 3, 4}, "2-4"},
	}
	for _, tc := range tests {
		got, err := ParseCPUList(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			continue
		}
		if f := FormatCPUList(got); f != tc.fmt {
			t.Errorf("FormatCPUList(%v) = %q, want %q", got, f, tc.fmt)
		}
	}
	for _, bad := range []string{"", "3-1", "a", "1-", "-1", "0-99999999", "1,,2"} {
		if got, err := ParseCPUList(bad); err == nil {
			t.Errorf("ParseCPUList(%q) = %v, want error", bad, got)
		}
	}
}

func TestParseCPUInfoX86(t *testing.T) {
	text := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse4_1 avx2\n\n" +
		"processor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse4_1 avx2\n"
	ci, err := ParseCPUInfo(text)
	if err != nil {
		t.Fatal(err)
	}
	if ci.Processors != 2 || ci.Model != "" || ci.CPUName() != "AMD EPYC 7B13" || !reflect.DeepEqual(ci.Flags, []string{"fpu", "sse4_1", "avx2"}) {
		t.Errorf("cpuinfo = %+v, name %q", ci, ci.CPUName())
	}
	if got := cpuName(ci, "arm64"); got != Unknown {
		t.Errorf("x86 cpuinfo read by an arm64 program (qemu-user) names the CPU %q, want unknown", got)
	}
	if _, err := ParseCPUInfo("garbage\n"); err == nil {
		t.Error("ParseCPUInfo(garbage) succeeded")
	}
	unknownPart, err := ParseCPUInfo("processor : 0\nCPU implementer : 0x61\nCPU part : 0x022\n")
	if err != nil || unknownPart.CPUName() != "part 0x61:0x022" {
		t.Errorf("unknown part name = %q, %v", unknownPart.CPUName(), err)
	}
}

func TestParsePiRevision(t *testing.T) {
	tests := []struct {
		code, board, proc string
		mem, rev          int
	}{
		{"a02082", "3B", "BCM2837", 1024, 2},
		{"a020d3", "3B+", "BCM2837", 1024, 3},
		{"c03114", "4B", "BCM2711", 4096, 4},
		{"0xd04170", "5", "BCM2712", 8192, 0},
		{"902120", "Zero2W", "BCM2837", 512, 0},
		{"b03140", "CM4", "BCM2711", 2048, 0},
	}
	for _, tc := range tests {
		r, err := ParsePiRevision(tc.code)
		if err != nil || r.Board != tc.board || r.Processor != tc.proc || r.MemoryMB != tc.mem || r.Rev != tc.rev {
			t.Errorf("ParsePiRevision(%s) = %+v, %v", tc.code, r, err)
		}
	}
	for _, bad := range []string{"", "0010", "xyz", "123456789"} {
		if r, err := ParsePiRevision(bad); err == nil {
			t.Errorf("ParsePiRevision(%q) = %+v, want error", bad, r)
		}
	}
}

func TestIdentify(t *testing.T) {
	tests := []struct {
		model  string
		goarch string
		want   Kind
	}{
		{"Raspberry Pi Zero 2 W Rev 1.0", "arm64", KindPiZero2W},
		{"Raspberry Pi 3 Model B Plus Rev 1.3", "arm", KindPi3},
		{"Raspberry Pi 3 Model A Plus Rev 1.0", "arm64", KindPi3},
		{"Raspberry Pi 4 Model B Rev 1.5", "arm64", KindPi4},
		{"Raspberry Pi 400 Rev 1.0", "arm64", KindPi4},
		{"Raspberry Pi Compute Module 4 Rev 1.0", "arm64", KindCM4},
		{"Raspberry Pi Compute Module 5 Rev 1.0", "arm64", KindCM5},
		{"Raspberry Pi 5 Model B Rev 1.0", "arm64", KindPi5},
		{"Raspberry Pi 500 Rev 1.0", "arm64", KindPi5},
		{"Raspberry Pi Model B Rev 2", "arm", KindPiOther},
		{"Orange Pi 5", "arm64", KindARM64},
		{"", "arm", KindARM},
		{"", "amd64", KindX86},
		{"", "riscv64", KindUnknown},
	}
	for _, tc := range tests {
		if got := Identify(tc.model, nil, tc.goarch); got != tc.want {
			t.Errorf("Identify(%q, %s) = %s, want %s", tc.model, tc.goarch, got, tc.want)
		}
	}
	rev, err := ParsePiRevision("c03114")
	if err != nil {
		t.Fatal(err)
	}
	if got := Identify("", &rev, "arm"); got != KindPi4 {
		t.Errorf("Identify from revision = %s, want pi4", got)
	}
}

func TestParseThrottled(t *testing.T) {
	tests := []struct {
		in            string
		now, occurred []string
	}{
		{"0", []string{}, []string{}},
		{"50005", []string{"under-voltage", "throttled"}, []string{"under-voltage", "throttled"}},
		{"throttled=0x50000", []string{}, []string{"under-voltage", "throttled"}},
		{"0xe000f", []string{"under-voltage", "arm-freq-capped", "throttled", "soft-temp-limit"}, []string{"arm-freq-capped", "throttled", "soft-temp-limit"}},
	}
	for _, tc := range tests {
		got, err := ParseThrottled(tc.in)
		if err != nil || !reflect.DeepEqual(got.Now, tc.now) || !reflect.DeepEqual(got.Occurred, tc.occurred) {
			t.Errorf("ParseThrottled(%q) = %+v, %v", tc.in, got, err)
		}
	}
	for _, bad := range []string{"", "zz", "0x1ffffffff"} {
		if _, err := ParseThrottled(bad); err == nil {
			t.Errorf("ParseThrottled(%q) succeeded", bad)
		}
	}
}

func TestThrottleMerge(t *testing.T) {
	a, _ := ParseThrottled("0")
	b, _ := ParseThrottled("40004")
	m := a.Merge(b)
	if !reflect.DeepEqual(m.Now, []string{"throttled"}) || !reflect.DeepEqual(m.Occurred, []string{"throttled"}) {
		t.Errorf("merge = %+v", m)
	}
	if u := (Throttle{}).Merge(Throttle{}); u.Known {
		t.Errorf("merge of unknowns = %+v", u)
	}
	if got := a.Merge(Throttle{}); !reflect.DeepEqual(got, a) {
		t.Errorf("merge with unknown changed %+v to %+v", a, got)
	}
}

func TestParseNumbers(t *testing.T) {
	if v, err := ParseKHz("1800000\n"); err != nil || v != 1800000 {
		t.Errorf("ParseKHz = %d, %v", v, err)
	}
	for _, bad := range []string{"", "-5", "0", "fast", "999999999999"} {
		if _, err := ParseKHz(bad); err == nil {
			t.Errorf("ParseKHz(%q) succeeded", bad)
		}
	}
	if c, err := ParseMilliCelsius("45764"); err != nil || c != 45.764 {
		t.Errorf("ParseMilliCelsius = %v, %v", c, err)
	}
	for _, bad := range []string{"", "warm", "-274000", "250000"} {
		if _, err := ParseMilliCelsius(bad); err == nil {
			t.Errorf("ParseMilliCelsius(%q) succeeded", bad)
		}
	}
	if v, err := ParsePeakRSS("Name:\tx\nVmHWM:\t   52840 kB\n"); err != nil || v != 52840*1024 {
		t.Errorf("ParsePeakRSS = %d, %v", v, err)
	}
	for _, bad := range []string{"", "VmHWM:\tlots\n", "VmHWM:\t12 MB\n", "VmRSS:\t12 kB\n"} {
		if _, err := ParsePeakRSS(bad); err == nil {
			t.Errorf("ParsePeakRSS(%q) succeeded", bad)
		}
	}
	if got := ParseOSRelease("NAME=\"Debian\"\nPRETTY_NAME='Debian 12'\n"); got != "Debian 12" {
		t.Errorf("ParseOSRelease = %q", got)
	}
	if got := ParseOSRelease("NAME=Alpine\n"); got != "Alpine" {
		t.Errorf("ParseOSRelease NAME fallback = %q", got)
	}
	if got := ParseDTStrings([]byte("raspberrypi,4-model-b\x00brcm,bcm2711\x00")); !reflect.DeepEqual(got, []string{"raspberrypi,4-model-b", "brcm,bcm2711"}) {
		t.Errorf("ParseDTStrings = %q", got)
	}
	if got := SoCFromCompatible([]string{"nocomma"}); got != "" {
		t.Errorf("SoCFromCompatible(nocomma) = %q", got)
	}
	for m, want := range map[string]int{"aarch64": 64, "armv7l": 32, "x86_64": 64, "armv6l": 32, "sparc": 0} {
		if got := MachineBits(m); got != want {
			t.Errorf("MachineBits(%s) = %d, want %d", m, got, want)
		}
	}
}
