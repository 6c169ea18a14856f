package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refPad is the obvious loop over the output.
func refPad[T float32 | int8](p *generic.PadParams, src []T, value T) []T {
	dst := make([]T, p.Out[0]*p.Out[1]*p.Out[2]*p.Out[3])
	i := 0
	for n := range p.Out[0] {
		for h := range p.Out[1] {
			for w := range p.Out[2] {
				for c := range p.Out[3] {
					sn, sh, sw, sc := n-p.Before[0], h-p.Before[1], w-p.Before[2], c-p.Before[3]
					dst[i] = value
					if sn >= 0 && sn < p.In[0] && sh >= 0 && sh < p.In[1] && sw >= 0 && sw < p.In[2] && sc >= 0 && sc < p.In[3] {
						dst[i] = src[((sn*p.In[1]+sh)*p.In[2]+sw)*p.In[3]+sc]
					}
					i++
				}
			}
		}
	}
	return dst
}

// padCases: Keras' PAD before a VALID stride-2 depthwise (0 before, 1 after
// in H and W), symmetric padding, channel and batch padding, no padding.
var padCases = []struct{ in, before, after [4]int }{
	{[4]int{1, 112, 112, 32}, [4]int{0, 0, 0, 0}, [4]int{0, 1, 1, 0}},
	{[4]int{1, 5, 7, 3}, [4]int{0, 1, 2, 0}, [4]int{0, 1, 2, 0}},
	{[4]int{1, 4, 4, 5}, [4]int{0, 0, 0, 2}, [4]int{0, 0, 0, 3}},
	{[4]int{2, 3, 2, 4}, [4]int{1, 2, 0, 1}, [4]int{1, 0, 3, 0}},
	{[4]int{1, 3, 3, 1}, [4]int{}, [4]int{}},
	{[4]int{1, 1, 1, 17}, [4]int{0, 3, 3, 0}, [4]int{0, 3, 3, 0}},
}

func padParams(in, before, after [4]int) *generic.PadParams {
	p := &generic.PadParams{In: in, Before: before}
	for d := range p.Out {
		p.Out[d] = before[d] + in[d] + after[d]
	}
	return p
}

func TestPad(t *testing.T) {
	r := kerneltest.Rand(56)
	for i, c := range padCases {
		p := padParams(c.in, c.before, c.after)
		n, rows := p.Out[0]*p.Out[1]*p.Out[2]*p.Out[3], p.Rows()
		what := fmt.Sprintf("in %v before %v after %v", c.in, c.before, c.after)
		src := kerneltest.Shifted(kerneltest.F32s(r, c.in[0]*c.in[1]*c.in[2]*c.in[3]), i%3)
		g := kerneltest.NewGuarded[float32](n, i%4)
		// Two calls over a split of the rows, as two workers run it.
		generic.Pad(p, g.Out(), src, 0, 0, rows/3)
		generic.Pad(p, g.Out(), src, 0, rows/3, rows)
		g.CheckUntouched(t, 0, n, "Pad float32 "+what)
		want := refPad(p, src, 0)
		for j := range want {
			if g.Out()[j] != want[j] {
				t.Fatalf("Pad float32 %s: element %d = %v, want %v", what, j, g.Out()[j], want[j])
			}
		}
		src8 := kerneltest.I8s(r, len(src), -128, 127)
		g8 := kerneltest.NewGuarded[int8](n, i%3)
		generic.Pad(p, g8.Out(), src8, -37, 0, rows)
		g8.CheckUntouched(t, 0, n, "Pad int8 "+what)
		kerneltest.CompareI8(t, g8.Out(), refPad(p, src8, -37), "Pad int8 "+what)
	}
}

func TestPadAllocatesNothing(t *testing.T) {
	p := padParams([4]int{1, 56, 56, 24}, [4]int{0, 1, 1, 0}, [4]int{0, 1, 1, 0})
	src, dst := make([]int8, 56*56*24), make([]int8, 58*58*24)
	if n := testing.AllocsPerRun(3, func() { generic.Pad(p, dst, src, 3, 0, p.Rows()) }); n != 0 {
		t.Errorf("Pad: %v allocations per call, want 0", n)
	}
}
