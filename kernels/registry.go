// Package kernels is the one registry of kernel implementations, shared by the
// runtime (which picks one per layer type when it compiles a plan) and by the
// equivalence tests (which run every registered implementation against the
// generic one).
package kernels

import (
	"fmt"
	"os"
	"strings"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Level names a family of implementations that can be forced with -kernels or
// the EDGECAM_KERNELS environment variable.
type Level string

// Kernel levels, from the most portable to the most specialised.
const (
	Auto    Level = "auto"    // the fastest available for each layer type
	Generic Level = "generic" // pure Go everywhere
	NEON    Level = "neon"    // arm64 ASIMD; int8 pointwise by widening multiply-accumulate
	DotProd Level = "dotprod" // NEON plus SDOT int8 pointwise (ARMv8.2 dot product)
)

// EnvVar is the environment variable that forces a kernel level when no flag does.
const EnvVar = "EDGECAM_KERNELS"

// PointwiseF32 is a 1x1 convolution as a GEMM:
//
//	dst[i*n+j] = clamp(bias[j] + sum_k src[i*k+kk] * w[j*k+kk], lo, hi)  for i < m, j < n
//
// with w packed once by Pack.
type PointwiseF32 struct {
	Name  string
	Level Level
	Avail bool
	TileM int // rows per micro-kernel tile: the runtime splits m in multiples of it
	Pack  func(w []float32, n, k int) []float32
	Run   func(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32)
}

// PointwiseQ8 is the int8 GEMM of a 1x1 convolution:
//
//	acc = bias[j] + sum_k src[i*k+kk]*w[j*k+kk] - wzp*sum_k src[i*k+kk]
//	dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
//
// bias already has the input zero point folded in (see runtime). Supports
// reports whether the implementation is exact for these weights (a widening
// int16 path may require weights in [-127, 127]).
type PointwiseQ8 struct {
	Name     string
	Level    Level
	Avail    bool
	TileM    int
	Supports func(w []int8, n, k int) bool
	Pack     func(w []int8, n, k int) []int8
	Run      func(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant)
}

// ConvF32 is a direct convolution (the first 3x3 stride-2 layer) or a depthwise
// convolution with depth multiplier 1, writing output rows [y0, y1).
// Conv weights are [OutC][KH][KW][InC]; depthwise weights are [KH][KW][C].
type ConvF32 struct {
	Name     string
	Level    Level
	Avail    bool
	Supports func(p *generic.ConvParams) bool
	Run      func(p *generic.ConvParams, dst, src, w, bias []float32, y0, y1 int, lo, hi float32)
}

// ConvQ8 is the int8 twin of ConvF32. Weights arrive with their zero point
// already subtracted (int16); inputs are int8 with zero point xzp, and padding
// contributes zero (the real value 0).
type ConvQ8 struct {
	Name     string
	Level    Level
	Avail    bool
	Supports func(p *generic.ConvParams) bool
	Run      func(p *generic.ConvParams, dst, src []int8, xzp int32, w []int16, bias []int32, rq *generic.Requant, y0, y1 int)
}

// Registry lists every implementation of each layer type, generic first.
type Registry struct {
	PointwiseF32 []*PointwiseF32
	PointwiseQ8  []*PointwiseQ8
	ConvF32      []*ConvF32 // full convolution (first layer)
	ConvQ8       []*ConvQ8
	DWConvF32    []*ConvF32 // depthwise
	DWConvQ8     []*ConvQ8
}

var registry = Registry{
	PointwiseF32: []*PointwiseF32{{
		Name: "pwconv_f32_generic", Level: Generic, Avail: true, TileM: generic.PointwiseTileM,
		Pack: generic.PackPointwiseF32, Run: generic.PointwiseF32,
	}},
	PointwiseQ8: []*PointwiseQ8{{
		Name: "pwconv_q8_generic", Level: Generic, Avail: true, TileM: generic.PointwiseTileM,
		Supports: func([]int8, int, int) bool { return true },
		Pack:     generic.PackPointwiseQ8, Run: generic.PointwiseQ8,
	}},
	ConvF32: []*ConvF32{{
		Name: "conv_f32_generic", Level: Generic, Avail: true,
		Supports: func(*generic.ConvParams) bool { return true }, Run: generic.ConvF32,
	}},
	ConvQ8: []*ConvQ8{{
		Name: "conv_q8_generic", Level: Generic, Avail: true,
		Supports: func(*generic.ConvParams) bool { return true }, Run: generic.ConvQ8,
	}},
	DWConvF32: []*ConvF32{{
		Name: "dwconv_f32_generic", Level: Generic, Avail: true,
		Supports: func(*generic.ConvParams) bool { return true }, Run: generic.DWConvF32,
	}},
	DWConvQ8: []*ConvQ8{{
		Name: "dwconv_q8_generic", Level: Generic, Avail: true,
		Supports: func(*generic.ConvParams) bool { return true }, Run: generic.DWConvQ8,
	}},
}

// register adds architecture-specific implementations; called from init
// functions in build-tagged files.
func register(add func(r *Registry)) { add(&registry) }

// All returns the registry (for tests and for `edgecam info`).
func All() *Registry { return &registry }

// ParseLevel checks a -kernels value. The empty string means: the
// EDGECAM_KERNELS environment variable, else auto.
func ParseLevel(s string) (Level, error) {
	if s == "" {
		s = os.Getenv(EnvVar)
	}
	if s == "" {
		return Auto, nil
	}
	switch l := Level(strings.ToLower(strings.TrimSpace(s))); l {
	case Auto, Generic, NEON, DotProd:
		return l, nil
	}
	return "", fmt.Errorf("unknown kernel level %q (want auto, generic, neon or dotprod)", s)
}

// Rank orders levels, generic lowest: an implementation may serve a forced
// level when its own level is at or below it (dotprod includes NEON, NEON
// includes generic), and among those allowed the highest level wins.
func Rank(l Level) int {
	switch l {
	case Generic:
		return 0
	case NEON:
		return 1
	case DotProd:
		return 2
	}
	return 3 // Auto
}

// Check reports whether a forced level can run on this CPU: forcing a level
// whose kernels the CPU lacks is an error, never a silent fallback.
func Check(l Level) error {
	if l == Auto || l == Generic {
		return nil
	}
	found := false
	for _, k := range registry.PointwiseF32 {
		if k.Level == l && k.Avail {
			found = true
		}
	}
	for _, k := range registry.PointwiseQ8 {
		if k.Level == l && k.Avail {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("kernel level %q is not available on this CPU (%s)", l, CPUSummary())
	}
	return nil
}

// Allowed reports whether an implementation of level have may be chosen when
// the user asked for level want.
func Allowed(have, want Level) bool { return Rank(have) <= Rank(want) }
