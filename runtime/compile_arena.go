package runtime

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// arenaAlign is the alignment of every buffer in the arena: a cache line, so
// that workers writing neighbouring buffers never share one.
const arenaAlign = 64

// arenaBuf is one activation buffer: the tensors it holds (a tensor and its
// reshaped aliases), its size, and the ops during which it is live. Sizes
// and offsets are int64 so that planning a hostile model's arena cannot
// overflow on a 32-bit system; Compile checks the total against its budget
// before any offset is used as an int.
type arenaBuf struct {
	size        int64
	first, last int // op that writes it (-1: the model input) .. last op that reads it
	off         int64
}

// arenaPlan assigns every activation tensor an offset in one arena. Buffers
// whose lifetimes do not overlap share memory.
type arenaPlan struct {
	bufOf []int // per tensor: index into bufs, or -1 for constants
	bufs  []arenaBuf
	size  int64 // arena bytes
	sum   int64 // sum of all buffer sizes (the arena without sharing)
}

// offset is the byte offset of tensor ti in the arena.
func (a *arenaPlan) offset(ti int) int { return int(a.bufs[a.bufOf[ti]].off) }

// activationSize is the size in bytes of one element of an activation tensor
// as the runtime holds it (quantized tensors as int8).
func activationSize(t tflite.DType) (int, error) {
	switch t {
	case tflite.Float32:
		return 4, nil
	case tflite.Uint8, tflite.Int8:
		return 1, nil
	}
	return 0, fmt.Errorf("activation type %s is not supported", t)
}

// planArena computes buffer lifetimes over the graph and places the buffers.
// Ops run in model order (Validate checked that each reads only tensors
// written before it), so a buffer lives from the op that writes it to the
// last op that reads it, whichever branch that op is on: a tensor with
// several consumers lives until the last of them, the inputs of a join until
// the join. An alias op's output shares its input's buffer, so the buffer
// lives until the last reader of either. Every output of an op with several
// gets its own buffer, live from that op even when nothing reads it. The
// model input and the pinned tensors (model outputs, logits) stay live to
// the end. Buffers are then placed greedily by size, the largest first, each
// at the lowest offset that does not collide with a placed buffer live at
// the same time (TFLite's "greedy by size" planner).
func planArena(m *tflite.Model, pinned []int) (*arenaPlan, error) {
	a := &arenaPlan{bufOf: make([]int, len(m.Tensors))}
	for i := range a.bufOf {
		a.bufOf[i] = -1
	}
	newBuf := func(ti, first int) error {
		t := &m.Tensors[ti]
		es, err := activationSize(t.Type)
		if err != nil {
			return fmt.Errorf("tensor %d (%q): %w", ti, t.Name, err)
		}
		a.bufOf[ti] = len(a.bufs)
		a.bufs = append(a.bufs, arenaBuf{size: int64(es) * int64(t.Elems()), first: first, last: first})
		return nil
	}
	in := m.Inputs[0]
	if m.Tensors[in].Data != nil {
		return nil, fmt.Errorf("model input %d (%q) is a constant", in, m.Tensors[in].Name)
	}
	if err := newBuf(in, -1); err != nil {
		return nil, err
	}
	for i := range m.Ops {
		op := &m.Ops[i]
		for j, ti := range op.Inputs {
			if ti < 0 || m.Tensors[ti].Data != nil {
				continue
			}
			if a.bufOf[ti] < 0 {
				return nil, fmt.Errorf("op %d (%s) input %d reads tensor %d (%q) before any op writes it", i, op.Name(), j, ti, m.Tensors[ti].Name)
			}
			b := &a.bufs[a.bufOf[ti]]
			b.last = max(b.last, i)
		}
		d := lookupOp(op)
		if d == nil {
			return nil, fmt.Errorf("op %d (%s) is not supported", i, op.Name())
		}
		for _, out := range op.Outputs {
			if a.bufOf[out] >= 0 {
				return nil, fmt.Errorf("op %d (%s) writes tensor %d (%q), which is already written", i, op.Name(), out, m.Tensors[out].Name)
			}
		}
		if d.alias {
			src, out := op.Inputs[0], op.Outputs[0]
			if m.Tensors[src].Data != nil {
				return nil, fmt.Errorf("op %d (%s) reshapes a constant", i, op.Name())
			}
			if m.Tensors[src].Elems() != m.Tensors[out].Elems() || m.Tensors[src].Type != m.Tensors[out].Type {
				return nil, fmt.Errorf("op %d (%s) changes the size or type of tensor %d", i, op.Name(), src)
			}
			a.bufOf[out] = a.bufOf[src]
			continue
		}
		for _, out := range op.Outputs {
			if err := newBuf(out, i); err != nil {
				return nil, err
			}
		}
	}
	end := len(m.Ops)
	for _, ti := range pinned {
		if a.bufOf[ti] < 0 {
			return nil, fmt.Errorf("tensor %d (%q) is never written", ti, m.Tensors[ti].Name)
		}
		a.bufs[a.bufOf[ti]].last = end
	}
	// The input stays live for the whole run, so that a plan can be run again
	// on the same input without setting it again.
	a.bufs[a.bufOf[in]].last = end
	a.place()
	return a, nil
}

// place assigns offsets, largest buffers first.
func (a *arenaPlan) place() {
	order := make([]int, len(a.bufs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		if c := cmp.Compare(a.bufs[y].size, a.bufs[x].size); c != 0 {
			return c
		}
		return a.bufs[x].first - a.bufs[y].first
	})
	var placed, live []int
	for _, bi := range order {
		b := &a.bufs[bi]
		live = live[:0]
		for _, pi := range placed {
			q := &a.bufs[pi]
			if q.first <= b.last && b.first <= q.last {
				live = append(live, pi)
			}
		}
		slices.SortFunc(live, func(x, y int) int { return cmp.Compare(a.bufs[x].off, a.bufs[y].off) })
		off := int64(0)
		for _, pi := range live {
			q := &a.bufs[pi]
			if off+b.size <= q.off {
				break
			}
			off = max(off, alignUp(q.off+q.size))
		}
		b.off = off
		placed = append(placed, bi)
		a.size = max(a.size, off+b.size)
		a.sum += b.size
	}
}

func alignUp(n int64) int64 { return (n + arenaAlign - 1) &^ (arenaAlign - 1) }
