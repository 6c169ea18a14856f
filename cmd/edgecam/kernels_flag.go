package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/edgecam/edgecam/kernels"
)

// kernelsEnvVar forces a kernel level when -kernels is not given. Only the
// command reads it: the library takes the level in runtime.Options.Kernels.
const kernelsEnvVar = "EDGECAM_KERNELS"

// addKernelsFlag defines -kernels on fs for a command that compiles a plan.
func addKernelsFlag(fs *flag.FlagSet, what string) *string {
	return fs.String("kernels", "", what+": "+levelChoices(", ")+" (default $"+kernelsEnvVar+", else auto)")
}

// levelChoices lists the kernel levels of this architecture (auto, generic,
// then neon, dotprod on arm64 or avx2, avx512, vnni on amd64), joined by sep.
func levelChoices(sep string) string {
	var s []string
	for _, l := range kernels.Levels() {
		s = append(s, string(l))
	}
	return strings.Join(s, sep)
}

// kernelLevel resolves the kernel level of command cmd: -kernels when it was
// given (value), else $EDGECAM_KERNELS when set, else auto. A bad value is a
// usage error naming the flag or the variable; a level this CPU cannot run
// is an error (exit 1), never a silent fallback.
func kernelLevel(cmd string, fs *flag.FlagSet, value string) (kernels.Level, error) {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "kernels" })
	from := "-kernels"
	if !given {
		v, ok := os.LookupEnv(kernelsEnvVar)
		if !ok {
			return kernels.Auto, nil
		}
		value, from = v, fmt.Sprintf("%s=%q", kernelsEnvVar, v)
	}
	level, err := kernels.ParseLevel(value)
	if err != nil {
		if given {
			return "", usagef("%s: -kernels: %v", cmd, err)
		}
		return "", usagef("%s: %v", from, err)
	}
	if err := kernels.Check(level); err != nil {
		return "", fmt.Errorf("%s: %s: %w", cmd, from, err)
	}
	return level, nil
}
