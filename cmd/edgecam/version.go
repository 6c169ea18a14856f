package main

import "runtime/debug"

// edgecamVersion is the module version the binary was built from, with the
// VCS revision when the build recorded one ("(devel) 1a2b3c4d5e6f").
func edgecamVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
