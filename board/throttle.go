package board

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Throttle is the firmware's throttling and under-voltage state. Known is
// false on machines whose firmware does not expose it.
type Throttle struct {
	Known    bool     `json:"known"`
	Source   string   `json:"source"`   // the file read, or "unknown"
	Raw      string   `json:"raw"`      // the raw value, e.g. "0x50005", or "unknown"
	Now      []string `json:"now"`      // conditions active now
	Occurred []string `json:"occurred"` // conditions seen since boot; nil when the source cannot tell
}

// Throttle condition names, in bit order of the Raspberry Pi firmware's
// get_throttled value (bits 0-3 now, bits 16-19 since boot).
var throttleBits = []string{"under-voltage", "arm-freq-capped", "throttled", "soft-temp-limit"}

// firmwareThrottledPaths are where Raspberry Pi kernels expose get_throttled
// (the raspberrypi firmware driver's sysfs file).
var firmwareThrottledPaths = []string{
	"sys/devices/platform/soc/soc:firmware/get_throttled",
}

const (
	firmwareDriverDir = "sys/bus/platform/drivers/raspberrypi-firmware"
	hwmonDir          = "sys/class/hwmon"
)

// ParseThrottled decodes the get_throttled value (hex, with or without 0x).
func ParseThrottled(s string) (Throttle, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '='); i >= 0 { // "throttled=0x0", vcgencmd style
		s = s[i+1:]
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 32)
	if err != nil {
		return Throttle{}, fmt.Errorf("get_throttled %q: %w", s, err)
	}
	t := Throttle{Known: true, Raw: fmt.Sprintf("0x%x", v), Now: []string{}, Occurred: []string{}}
	for i, name := range throttleBits {
		if v&(1<<i) != 0 {
			t.Now = append(t.Now, name)
		}
		if v&(1<<(16+i)) != 0 {
			t.Occurred = append(t.Occurred, name)
		}
	}
	return t, nil
}

// ReadThrottle reads the throttling state: the firmware's get_throttled file
// when present, else the rpi_volt hwmon under-voltage alarm (now only), else
// an unknown Throttle.
func ReadThrottle(fsys fs.FS) Throttle {
	paths := append([]string(nil), firmwareThrottledPaths...)
	if ents, err := readDir(fsys, firmwareDriverDir); err == nil {
		for _, e := range ents {
			paths = append(paths, path.Join(firmwareDriverDir, e.Name(), "get_throttled"))
		}
	}
	for _, p := range paths {
		s, err := readText(fsys, p)
		if err != nil {
			continue
		}
		if t, err := ParseThrottled(s); err == nil {
			t.Source = "/" + p
			return t
		}
	}
	if ents, err := readDir(fsys, hwmonDir); err == nil {
		for _, e := range ents {
			dir := path.Join(hwmonDir, e.Name())
			if name, err := readText(fsys, path.Join(dir, "name")); err != nil || name != "rpi_volt" {
				continue
			}
			s, err := readText(fsys, path.Join(dir, "in0_lcrit_alarm"))
			if err != nil || (s != "0" && s != "1") {
				continue
			}
			t := Throttle{Known: true, Source: "/" + path.Join(dir, "in0_lcrit_alarm"), Raw: s, Now: []string{}}
			if s == "1" {
				t.Now = append(t.Now, "under-voltage")
			}
			return t
		}
	}
	return Throttle{Source: Unknown, Raw: Unknown}
}

// Merge returns the union of the conditions of t and u (both sampled from the
// same machine): what was seen at either time.
func (t Throttle) Merge(u Throttle) Throttle {
	if !u.Known {
		return t
	}
	if !t.Known {
		return u
	}
	out := t
	out.Now = union(t.Now, u.Now)
	if t.Occurred != nil || u.Occurred != nil {
		out.Occurred = union(t.Occurred, u.Occurred)
	}
	out.Raw = u.Raw
	return out
}

func union(a, b []string) []string {
	out := []string{}
	for _, name := range throttleBits {
		if contains(a, name) || contains(b, name) {
			out = append(out, name)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
