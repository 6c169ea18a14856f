//go:build arm64 && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// dwCase is one depthwise test shape with the output rows to compute.
type dwCase struct {
	name   string
	p      generic.ConvParams
	y0, y1 int
}

// dwCases covers every channel count 1..33 and every width 1..17, both
// strides, SAME (asymmetric at stride 2 on even sizes), VALID and symmetric
// explicit padding, and partial row ranges.
func dwCases() []dwCase {
	var cs []dwCase
	add := func(pad string, in, c, s int) {
		p := generic.ConvParams{InH: in, InW: in, InC: c, OutC: c, KH: 3, KW: 3, StrideH: s, StrideW: s}
		switch pad {
		case "same":
			p.OutH = (in + s - 1) / s
			total := max((p.OutH-1)*s+3-in, 0)
			p.PadTop, p.PadLeft = total/2, total/2
		case "valid":
			if in < 3 {
				return
			}
			p.OutH = (in-3)/s + 1
		case "pad1":
			p.OutH = (in+2-3)/s + 1
			p.PadTop, p.PadLeft = 1, 1
		}
		p.OutW = p.OutH
		// Non-square: one extra input column changes the right edge.
		if (in+c)%3 == 0 {
			p.InW++
			switch pad {
			case "same":
				p.OutW = (p.InW + s - 1) / s
				p.PadLeft = max((p.OutW-1)*s+3-p.InW, 0) / 2
			case "valid":
				p.OutW = (p.InW-3)/s + 1
			case "pad1":
				p.OutW = (p.InW+2-3)/s + 1
			}
		}
		name := fmt.Sprintf("%s_s%d_in%dx%d_c%d", pad, s, p.InH, p.InW, c)
		cs = append(cs, dwCase{name, p, 0, p.OutH})
		if p.OutH > 2 {
			cs = append(cs, dwCase{name + "_rows1-2", p, 1, 2})
		}
	}
	for _, s := range []int{1, 2} {
		for c := 1; c <= 33; c++ {
			add("same", 5+c%4, c, s)
		}
		for w := 1; w <= 17; w++ {
			for _, pad := range []string{"same", "valid", "pad1"} {
				add(pad, w, []int{4, 8, 5}[w%3], s)
			}
		}
		add("same", 14, 32, s)
		add("same", 16, 64, s)
	}
	return cs
}
