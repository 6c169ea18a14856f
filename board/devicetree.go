package board

import "strings"

// ParseDTStrings splits a device tree string-list property (such as
// compatible: NUL-separated, NUL-terminated) into its non-empty strings.
func ParseDTStrings(b []byte) []string {
	var out []string
	for _, s := range strings.Split(string(b), "\x00") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// SoCFromCompatible names the SoC from the device tree's compatible list:
// the last entry is the SoC ("brcm,bcm2711" → "BCM2711", "rockchip,rk3588s"
// → "RK3588S"). It returns "" when the list is empty.
func SoCFromCompatible(compat []string) string {
	if len(compat) == 0 {
		return ""
	}
	last := compat[len(compat)-1]
	_, chip, ok := strings.Cut(last, ",")
	if !ok || chip == "" {
		return ""
	}
	return strings.ToUpper(chip)
}
