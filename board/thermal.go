package board

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// ThermalZone is one /sys/class/thermal zone.
type ThermalZone struct {
	Name  string   `json:"name"`   // "thermal_zone0"
	Type  string   `json:"type"`   // "cpu-thermal", or "unknown"
	TempC *float64 `json:"temp_c"` // nil when unreadable
}

const thermalDir = "sys/class/thermal"

// ReadThermal reads every thermal zone, in zone order.
func ReadThermal(fsys fs.FS) []ThermalZone {
	ents, err := readDir(fsys, thermalDir)
	if err != nil {
		return nil
	}
	var out []ThermalZone
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "thermal_zone") {
			continue
		}
		dir := path.Join(thermalDir, e.Name())
		z := ThermalZone{Name: e.Name(), Type: Unknown}
		if s, err := readText(fsys, path.Join(dir, "type")); err == nil && s != "" {
			z.Type = s
		}
		if s, err := readText(fsys, path.Join(dir, "temp")); err == nil {
			if c, err := ParseMilliCelsius(s); err == nil {
				z.TempC = &c
			}
		}
		out = append(out, z)
	}
	return out
}

// ParseMilliCelsius parses a thermal zone temperature (millidegrees Celsius).
// Values outside -60..200 °C are sensor errors, not temperatures.
func ParseMilliCelsius(s string) (float64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("thermal: %w", err)
	}
	c := float64(v) / 1000
	if c < -60 || c > 200 {
		return 0, fmt.Errorf("thermal: %g °C out of range", c)
	}
	return c, nil
}

// socZoneTypes are the zone types that measure the SoC or CPU, best first.
var socZoneTypes = []string{"cpu-thermal", "cpu_thermal", "soc-thermal", "soc_thermal", "x86_pkg_temp", "cpu"}

// SoCZone picks the zone that measures the SoC: a known SoC/CPU zone type
// with a reading, else nil (an unrelated zone such as a battery or a wifi chip
// is not the SoC temperature).
func SoCZone(zones []ThermalZone) *ThermalZone {
	for _, t := range socZoneTypes {
		for i := range zones {
			if strings.EqualFold(zones[i].Type, t) && zones[i].TempC != nil {
				return &zones[i]
			}
		}
	}
	return nil
}
