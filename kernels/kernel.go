package kernels

import (
	"fmt"
	"strings"
)

// Info names one registered implementation.
type Info struct {
	Name  string // what it computes, e.g. "dwconv3x3_q8_neon"
	Level Level  // the family that forces it
	Avail bool   // this CPU has its instructions (read once at start)
}

// Kernel is the metadata every registry entry embeds: its Info and the
// layers it computes. S describes a layer of the entry's op (PointwiseLayer,
// ConvF32Layer, ConvQ8Layer).
type Kernel[S any] struct {
	Info
	// Supports reports whether the implementation computes a layer entirely
	// itself. An implementation hands no layer to another one inside Run:
	// what it does not compute, Supports rejects (and Run refuses), so that
	// Select picks, and a plan reports, the implementation that runs.
	Supports func(layer *S) bool
}

func (k *Kernel[S]) kernel() *Kernel[S] { return k }

// supports is Supports, where a nil layer (a question about the
// implementations themselves) is supported by all.
func (k *Kernel[S]) supports(layer *S) bool { return layer == nil || k.Supports(layer) }

// entry is what Select works on: any registry entry type (they embed Kernel).
type entry[S any] interface{ kernel() *Kernel[S] }

// Select returns the implementation that runs a layer when level want is
// asked for: among those available on this CPU, allowed at want and
// supporting the layer, the one of the highest level; ties go to the one
// registered first. The runtime, edgecam info and the tests all choose
// through it. A nil layer asks about a layer every implementation supports.
func Select[E entry[S], S any](impls []E, want Level, layer *S) (E, error) {
	if i := choose(impls, want, layer); i >= 0 {
		return impls[i], nil
	}
	names := make([]string, len(impls))
	for i, e := range impls {
		names[i] = e.kernel().Name
	}
	var none E
	return none, fmt.Errorf("none of %s is available at level %s and supports this layer", strings.Join(names, ", "), want)
}

// choose is Select's rule; it returns an index into impls, or -1.
func choose[E entry[S], S any](impls []E, want Level, layer *S) int {
	best := -1
	for i, e := range impls {
		k := e.kernel()
		if !k.Avail || !Allowed(k.Level, want) || !k.supports(layer) {
			continue
		}
		if best < 0 || Rank(k.Level) > Rank(impls[best].kernel().Level) {
			best = i
		}
	}
	return best
}

// Verdict is what Select made of one implementation for one layer.
type Verdict int

// Verdicts, in the order Select's rule checks them.
const (
	Selected    Verdict = iota // Select returns it
	Unavailable                // this CPU lacks its instructions
	AboveLevel                 // its level is above the one asked for
	Unsupported                // it does not compute this layer
	Outranked                  // eligible, but Select prefers another (Candidate.By)
)

// Candidate is one implementation and Select's verdict on it.
type Candidate struct {
	Op string // the op stem, e.g. "pwconv_q8"
	Info
	Verdict Verdict
	By      string // Outranked: the implementation Select returns
}

// Explain returns Select's verdict on each implementation of op, in
// registry order.
func Explain[E entry[S], S any](op string, impls []E, want Level, layer *S) []Candidate {
	best := choose(impls, want, layer)
	out := make([]Candidate, len(impls))
	for i, e := range impls {
		k := e.kernel()
		c := Candidate{Op: op, Info: k.Info}
		switch {
		case i == best:
			c.Verdict = Selected
		case !k.Avail:
			c.Verdict = Unavailable
		case !Allowed(k.Level, want):
			c.Verdict = AboveLevel
		case !k.supports(layer):
			c.Verdict = Unsupported
		default:
			c.Verdict, c.By = Outranked, impls[best].kernel().Name
		}
		out[i] = c
	}
	return out
}
