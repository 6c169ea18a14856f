package board

// Conditions are the quickly-changing facts a benchmark records at its start
// and end: clock, temperature and throttling.
type Conditions struct {
	CurMHz   *float64 `json:"cur_mhz"` // the cpufreq policy of CPU 0
	TempC    *float64 `json:"temp_c"`  // the SoC thermal zone
	Throttle Throttle `json:"throttle"`
}

// ReadConditions samples the Conditions from fsys.
func ReadConditions(src Source) Conditions {
	var c Conditions
	if p := policyOfCPU0(ReadCPUFreq(src.FS)); p != nil {
		c.CurMHz = p.CurMHz
	}
	if z := SoCZone(ReadThermal(src.FS)); z != nil {
		c.TempC = z.TempC
	}
	c.Throttle = ReadThrottle(src.FS)
	return c
}
