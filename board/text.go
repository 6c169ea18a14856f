package board

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteText prints the report as aligned "key: value" lines.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	line("board", fmt.Sprintf("%s (%s)", r.Model, r.Kind))
	line("soc", r.SoC)
	line("cpu", r.CPU)
	line("cores", FormatInt(r.Cores))
	if r.MemoryMB != nil {
		line("memory", fmt.Sprintf("%d MB (pi revision %s)", *r.MemoryMB, r.PiRevision))
	}
	line("features", FormatFeatures(r.Features))
	line("os", fmt.Sprintf("%s/%s, %s, %s-bit program", r.OS, r.Arch, r.OSName, FormatInt(r.UserBits)))
	line("kernel", fmt.Sprintf("%s %s, %s-bit", r.KernelArch, r.KernelRelease, FormatInt(r.KernelBits)))
	line("cpu frequency", fmt.Sprintf("%s now, %s max, governor %s", formatMHz(r.CurMHz), formatMHz(r.MaxMHz), r.Governor))
	for _, p := range r.CPUFreq {
		if len(r.CPUFreq) > 1 {
			line("  "+p.Name, fmt.Sprintf("cpus %s: %s now, %s max, %s", p.CPUs, formatMHz(p.CurMHz), formatMHz(p.MaxMHz), p.Governor))
		}
	}
	temp := Unknown
	if r.TempC != nil {
		temp = fmt.Sprintf("%.1f °C (%s)", *r.TempC, r.TempZone)
	}
	line("soc temperature", temp)
	line("throttling", r.Throttle.String())
	gp := "not probed"
	if r.Periph.Probed {
		gp = fmt.Sprintf("%d pins, drivers %s, rpi %v", r.Periph.GPIOPins, orNone(r.Periph.Drivers), r.Periph.RPi)
		if r.Periph.InitError != "" {
			gp += ", init error: " + r.Periph.InitError
		}
	}
	line("gpio (periph.io)", gp)
	return tw.Flush()
}

// String describes the throttling state in one line.
func (t Throttle) String() string {
	if !t.Known {
		return Unknown + " (the firmware does not expose it)"
	}
	s := "now " + orNone(t.Now)
	if t.Occurred != nil {
		s += ", since boot " + orNone(t.Occurred)
	}
	return s + " (" + t.Raw + " from " + t.Source + ")"
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ",")
}

// FormatFeatures lists features as "asimd dotprod -i8mm" (absent ones with a
// minus), sorted by name.
func FormatFeatures(f map[string]bool) string {
	if len(f) == 0 {
		return Unknown
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if !f[k] {
			keys[i] = "-" + k
		}
	}
	return strings.Join(keys, " ")
}

// FormatInt prints an optional integer, "unknown" when nil.
func FormatInt(v *int) string {
	if v == nil {
		return Unknown
	}
	return fmt.Sprint(*v)
}

// FormatFloat prints an optional float with prec decimals, "unknown" when nil.
func FormatFloat(v *float64, prec int) string {
	if v == nil {
		return Unknown
	}
	return fmt.Sprintf("%.*f", prec, *v)
}

func formatMHz(v *float64) string {
	if v == nil {
		return Unknown
	}
	return fmt.Sprintf("%.0f MHz", *v)
}
