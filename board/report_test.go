package board

import (
	"encoding/json"
	"reflect"
	goruntime "runtime"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDetectFixtures(t *testing.T) {
	arm64Features := map[string]bool{"asimd": true, "dotprod": false, "fp16": false, "i8mm": false}
	tests := []struct {
		fixture, goarch, machine string
		kind                     Kind
		model, soc, cpu          string
		cores, memMB             int // 0: unknown
		curMHz, maxMHz           float64
		governor                 string
		tempC                    float64 // 0: unknown
		throttleKnown            bool
		now, occurred            []string
		osName                   string
		kernelBits               int
	}{
		{"pi3", "arm", "armv7l", KindPi3, "Raspberry Pi 3 Model B Rev 1.2", "BCM2837", "Cortex-A53", 4, 1024,
			1200, 1200, "ondemand", 62.838, true, []string{"under-voltage", "throttled"}, []string{"under-voltage", "throttled"},
			"Raspbian GNU/Linux 11 (bullseye)", 32},
		{"pi4", "arm64", "aarch64", KindPi4, "Raspberry Pi 4 Model B Rev 1.4", "BCM2711", "Cortex-A72", 4, 4096,
			600, 1800, "ondemand", 45.764, true, []string{}, []string{}, "Debian GNU/Linux 12 (bookworm)", 64},
		{"pi5", "arm64", "aarch64", KindPi5, "Raspberry Pi 5 Model B Rev 1.0", "BCM2712", "Cortex-A76", 4, 8192,
			1500, 2400, "ondemand", 55.4, true, []string{"soft-temp-limit"}, []string{"soft-temp-limit"}, "Debian GNU/Linux 12 (bookworm)", 64},
		{"zero2w", "arm64", "aarch64", KindPiZero2W, "Raspberry Pi Zero 2 W Rev 1.0", "BCM2837", "Cortex-A53", 4, 512,
			0, 0, Unknown, 0, false, nil, nil, Unknown, 64},
		{"rk3588", "arm64", "aarch64", KindARM64, "Orange Pi 5", "RK3588", "Cortex-A55 + Cortex-A76", 8, 0,
			1800, 1800, "schedutil", 41.6, false, nil, nil, "Armbian 24.5.1 bookworm", 64},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			r := Detect(fixtureSource(t, tc.fixture, tc.goarch, tc.machine, arm64Features))
			check := func(field string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %v, want %v", field, got, want)
				}
			}
			check("kind", r.Kind, tc.kind)
			check("model", r.Model, tc.model)
			check("soc", r.SoC, tc.soc)
			check("cpu", r.CPU, tc.cpu)
			check("cores", derefInt(r.Cores), tc.cores)
			check("memory", derefInt(r.MemoryMB), tc.memMB)
			check("cur MHz", derefFloat(r.CurMHz), tc.curMHz)
			check("max MHz", derefFloat(r.MaxMHz), tc.maxMHz)
			check("governor", r.Governor, tc.governor)
			check("temp", derefFloat(r.TempC), tc.tempC)
			check("throttle known", r.Throttle.Known, tc.throttleKnown)
			if tc.throttleKnown {
				check("throttle now", r.Throttle.Now, tc.now)
				check("throttle occurred", r.Throttle.Occurred, tc.occurred)
			}
			check("os name", r.OSName, tc.osName)
			check("kernel bits", derefInt(r.KernelBits), tc.kernelBits)
			check("features", r.Features, arm64Features)
			check("arch", r.Arch, tc.goarch)
		})
	}
}

func TestDetectRK3588Policies(t *testing.T) {
	r := Detect(fixtureSource(t, "rk3588", "arm64", "aarch64", nil))
	var got []string
	for _, p := range r.CPUFreq {
		got = append(got, p.Name+":"+p.CPUs+":"+FormatFloat(p.MaxMHz, 0))
	}
	want := []string{"policy0:0-3:1800", "policy4:4-5:2256", "policy6:6-7:2256"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("policies = %v, want %v", got, want)
	}
	if len(r.Thermal) != 7 || r.TempZone != "thermal_zone0 (soc-thermal)" {
		t.Errorf("thermal zones = %d, soc zone %q", len(r.Thermal), r.TempZone)
	}
}

func TestDetectMalformedIsUnknown(t *testing.T) {
	r := Detect(fixtureSource(t, "malformed", "arm64", "", nil))
	if r.Kind != KindARM64 {
		t.Errorf("kind = %s, want %s (from GOARCH only)", r.Kind, KindARM64)
	}
	for field, v := range map[string]string{
		"model": r.Model, "soc": r.SoC, "cpu": r.CPU, "governor": r.Governor, "os name": r.OSName,
		"temp zone": r.TempZone, "throttle source": r.Throttle.Source, "pi revision": r.PiRevision,
		"kernel arch": r.KernelArch,
	} {
		if v != Unknown {
			t.Errorf("%s = %q, want unknown", field, v)
		}
	}
	if r.Cores != nil || r.CurMHz != nil || r.MaxMHz != nil || r.TempC != nil || r.MemoryMB != nil || r.KernelBits != nil {
		t.Errorf("numbers read from malformed files: cores %v cur %v max %v temp %v mem %v kbits %v",
			r.Cores, r.CurMHz, r.MaxMHz, r.TempC, r.MemoryMB, r.KernelBits)
	}
	if r.Throttle.Known {
		t.Errorf("throttle = %+v, want unknown", r.Throttle)
	}
	if len(r.CPUFreq) != 1 || r.CPUFreq[0].CPUs != Unknown {
		t.Errorf("cpufreq = %+v, want one policy with unknown cpus", r.CPUFreq)
	}
}

func TestDetectMissingEverything(t *testing.T) {
	for name, src := range map[string]Source{
		"empty fs": {FS: fstest.MapFS{}, GOARCH: "amd64"},
		"nil fs":   {GOARCH: "amd64"},
	} {
		t.Run(name, func(t *testing.T) {
			r := Detect(src)
			if r.Kind != KindX86 || r.Model != Unknown || r.CPU != Unknown || r.Cores != nil || r.TempC != nil || r.Throttle.Known {
				t.Errorf("report = %+v, want everything unknown but kind x86", r)
			}
			if r.OS != Unknown || r.UserBits != nil {
				t.Errorf("os %q bits %v, want unknown", r.OS, r.UserBits)
			}
		})
	}
}

// TestReportJSONFields checks every documented field is present in the JSON
// form even when unknown.
func TestReportJSONFields(t *testing.T) {
	b, err := json.Marshal(Detect(Source{FS: fstest.MapFS{}}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kind", "model", "soc", "cpu", "cores", "features", "os", "arch", "user_bits",
		"kernel_arch", "kernel_bits", "cpufreq", "cur_mhz", "max_mhz", "governor", "temp_c", "throttle", "periph"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["cores"] != nil || m["model"] != Unknown {
		t.Errorf("unknown values: cores %v model %v", m["cores"], m["model"])
	}
}

func TestReportText(t *testing.T) {
	var b strings.Builder
	r := Detect(fixtureSource(t, "pi3", "arm", "armv7l", map[string]bool{"neon": true, "vfpv4": false}))
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Raspberry Pi 3 Model B Rev 1.2 (pi3)", "BCM2837", "Cortex-A53", "neon -vfpv4",
		"1200 MHz now, 1200 MHz max, governor ondemand", "(pi3)", "62.8 °C", "now under-voltage,throttled", "0x50005"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestDetectLive(t *testing.T) {
	src := Live()
	src.Periph = nil // host driver probing is exercised by the gpio tests
	r := Detect(src)
	if r.Arch != goruntime.GOARCH || r.OS != goruntime.GOOS {
		t.Errorf("arch %s os %s, want %s %s", r.Arch, r.OS, goruntime.GOARCH, goruntime.GOOS)
	}
	if r.UserBits == nil || (*r.UserBits != 32 && *r.UserBits != 64) {
		t.Errorf("user bits = %v", r.UserBits)
	}
	if goruntime.GOOS == "linux" && (r.Cores == nil || *r.Cores < 1) {
		t.Errorf("cores = %v on linux", r.Cores)
	}
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func derefFloat(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
