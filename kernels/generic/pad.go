package generic

// PadParams is the geometry of a constant PAD of a tensor of rank at most 4,
// its shape written as 4 dimensions (leading dimensions of size 1 added):
// the input of shape In sits at offset Before in the output of shape Out, so
// Out[d] = Before[d] + In[d] + (padding after) in every dimension d.
type PadParams struct {
	In, Before, Out [4]int
}

// Rows is the number of output rows (Out[0]*Out[1]) a PAD step splits
// between workers.
func (p *PadParams) Rows() int { return p.Out[0] * p.Out[1] }

// Pad writes output rows [r0, r1) of the constant PAD of src into dst: every
// element inside the input's window is copied, every other one is value (0
// for float32, the zero point for quantized tensors, so that the padding
// holds the real value 0):
//
//	for each output index (n, h, w, c) of a row in [r0, r1):
//		i := (n-Before[0], h-Before[1], w-Before[2], c-Before[3])
//		dst[n,h,w,c] = src[i] if 0 <= i[d] < In[d] for every d, else value
//
// with row = n*Out[1] + h and every tensor row-major.
func Pad[T float32 | int8](p *PadParams, dst, src []T, value T, r0, r1 int) {
	rowLen := p.Out[2] * p.Out[3]
	for r := r0; r < r1; r++ {
		n, h := r/p.Out[1], r%p.Out[1]
		out := dst[r*rowLen : (r+1)*rowLen]
		sn, sh := n-p.Before[0], h-p.Before[1]
		if sn < 0 || sn >= p.In[0] || sh < 0 || sh >= p.In[1] {
			fillValue(out, value)
			continue
		}
		inRow := src[(sn*p.In[1]+sh)*p.In[2]*p.In[3]:][:p.In[2]*p.In[3]]
		before, after := p.Before[2]*p.Out[3], (p.Before[2]+p.In[2])*p.Out[3]
		fillValue(out[:before], value)
		fillValue(out[after:], value)
		for w := 0; w < p.In[2]; w++ {
			px := out[before+w*p.Out[3] : before+(w+1)*p.Out[3]]
			cb := p.Before[3]
			fillValue(px[:cb], value)
			copy(px[cb:cb+p.In[3]], inRow[w*p.In[3]:(w+1)*p.In[3]])
			fillValue(px[cb+p.In[3]:], value)
		}
	}
}

func fillValue[T float32 | int8](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}
