package main

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// chosenKernels compiles a small synthetic MobileNet of the given type and
// returns the runtime's own choice per layer type.
func chosenKernels(dt tflite.DType, level kernels.Level) (map[string]string, error) {
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 32, DType: dt, Classes: 16})
	if err != nil {
		return nil, fmt.Errorf("build %s probe model: %w", dt, err)
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 1, Kernels: string(level)})
	if err != nil {
		return nil, fmt.Errorf("compile %s probe model at level %s: %w", dt, level, err)
	}
	defer p.Close()
	return p.KernelsByType(), nil
}

// regImpl is one registered implementation, whatever its kernel type.
type regImpl struct {
	name  string
	level kernels.Level
	avail bool
}

// kernelFamily is one registry list: the implementations of one layer type
// and data type.
type kernelFamily struct {
	name  string
	impls []regImpl
}

func registryFamilies() []kernelFamily {
	r := kernels.All()
	conv := func(name string, list []*kernels.ConvF32) kernelFamily {
		f := kernelFamily{name: name}
		for _, k := range list {
			f.impls = append(f.impls, regImpl{k.Name, k.Level, k.Avail})
		}
		return f
	}
	convQ8 := func(name string, list []*kernels.ConvQ8) kernelFamily {
		f := kernelFamily{name: name}
		for _, k := range list {
			f.impls = append(f.impls, regImpl{k.Name, k.Level, k.Avail})
		}
		return f
	}
	pwF32 := kernelFamily{name: "pwconv_f32"}
	for _, k := range r.PointwiseF32 {
		pwF32.impls = append(pwF32.impls, regImpl{k.Name, k.Level, k.Avail})
	}
	pwQ8 := kernelFamily{name: "pwconv_q8"}
	for _, k := range r.PointwiseQ8 {
		pwQ8.impls = append(pwQ8.impls, regImpl{k.Name, k.Level, k.Avail})
	}
	return []kernelFamily{
		conv("conv_f32", r.ConvF32), conv("dwconv_f32", r.DWConvF32), pwF32,
		convQ8("conv_q8", r.ConvQ8), convQ8("dwconv_q8", r.DWConvQ8), pwQ8,
	}
}

// explainKernels lists every registered implementation with the reason the
// runtime took it or not, following its rule: among those available on this
// CPU and allowed at the requested level, the highest level wins. used holds
// the implementations the compiled probe models actually chose.
func explainKernels(want kernels.Level, used map[string]bool) []kernelCandidate {
	var out []kernelCandidate
	for _, f := range registryFamilies() {
		best := -1
		for _, k := range f.impls {
			if k.avail && kernels.Allowed(k.level, want) && kernels.Rank(k.level) > best {
				best = kernels.Rank(k.level)
			}
		}
		for _, k := range f.impls {
			c := kernelCandidate{Family: f.name, Name: k.name, Level: string(k.level), Available: k.avail, Chosen: used[k.name]}
			switch {
			case !k.avail:
				c.Reason = "not available: " + levelNeeds(k.level) + "; this CPU has " + kernels.CPUSummary()
			case !kernels.Allowed(k.level, want):
				c.Reason = fmt.Sprintf("level %s is above the requested level %s", k.level, want)
			case c.Chosen:
				c.Reason = fmt.Sprintf("chosen: the highest level available and allowed at %s", want)
			case kernels.Rank(k.level) < best:
				c.Reason = "a higher level implementation is available"
			default:
				c.Reason = "not used: the runtime served these layers another way (see the kernels above), or an earlier one of its level won"
			}
			out = append(out, c)
		}
	}
	return out
}

// levelNeeds names what a kernel level requires of the CPU.
func levelNeeds(l kernels.Level) string {
	switch l {
	case kernels.NEON:
		return "neon kernels need arm64 ASIMD"
	case kernels.DotProd:
		return "dotprod kernels need the arm64 dot product instructions (asimddp)"
	}
	return string(l) + " kernels need CPU features this build cannot use"
}
