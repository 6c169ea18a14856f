package runtime

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
)

// Kernel choice: among the registered implementations that are available on
// this CPU, allowed at the requested level and that support the layer, the one
// of the highest level wins; ties go to the first registered.

// pick returns the index of the best candidate, or -1. ok reports whether
// candidate i may serve this layer.
func pick(want kernels.Level, n int, level func(i int) kernels.Level, ok func(i int) bool) int {
	best := -1
	for i := 0; i < n; i++ {
		if !kernels.Allowed(level(i), want) || !ok(i) {
			continue
		}
		if best < 0 || kernels.Rank(level(i)) > kernels.Rank(level(best)) {
			best = i
		}
	}
	return best
}

func (c *compiler) pointwiseF32() (*kernels.PointwiseF32, error) {
	r := kernels.All().PointwiseF32
	i := pick(c.level, len(r), func(i int) kernels.Level { return r[i].Level },
		func(i int) bool { return r[i].Avail && r[i].Pack != nil && r[i].Run != nil })
	if i < 0 {
		return nil, fmt.Errorf("no float32 pointwise kernel at level %s", c.level)
	}
	return r[i], nil
}

func (c *compiler) pointwiseQ8(w []int8, n, k int) (*kernels.PointwiseQ8, error) {
	r := kernels.All().PointwiseQ8
	i := pick(c.level, len(r), func(i int) kernels.Level { return r[i].Level },
		func(i int) bool {
			return r[i].Avail && r[i].Pack != nil && r[i].Run != nil && (r[i].Supports == nil || r[i].Supports(w, n, k))
		})
	if i < 0 {
		return nil, fmt.Errorf("no int8 pointwise kernel at level %s supports these weights", c.level)
	}
	return r[i], nil
}

func (c *compiler) convF32(r []*kernels.ConvF32, p *generic.ConvParams) (*kernels.ConvF32, error) {
	i := pick(c.level, len(r), func(i int) kernels.Level { return r[i].Level },
		func(i int) bool { return r[i].Avail && r[i].Run != nil && (r[i].Supports == nil || r[i].Supports(p)) })
	if i < 0 {
		return nil, fmt.Errorf("no float32 kernel at level %s supports %+v", c.level, *p)
	}
	return r[i], nil
}

func (c *compiler) convQ8(r []*kernels.ConvQ8, p *generic.ConvParams) (*kernels.ConvQ8, error) {
	i := pick(c.level, len(r), func(i int) kernels.Level { return r[i].Level },
		func(i int) bool { return r[i].Avail && r[i].Run != nil && (r[i].Supports == nil || r[i].Supports(p)) })
	if i < 0 {
		return nil, fmt.Errorf("no int8 kernel at level %s supports %+v", c.level, *p)
	}
	return r[i], nil
}
