package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"slices"
	"unsafe"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// maxThreads bounds Options.Threads: every worker gets its own scratch.
const maxThreads = 256

// compiler holds the state of one Compile call.
type compiler struct {
	m       *tflite.Model
	threads int // workers: one scratch buffer each
	level   kernels.Level
	arena   *arenaPlan
	mem     []byte // byte view of the plan's arena
}

// Compile validates m and compiles it into a plan. Before allocating, it
// adds up what the plan will need (activation arena, weights, scratch,
// output buffers) from the declared shapes and refuses a model over
// opt.MaxMemory with an error wrapping ErrMemoryBudget.
func Compile(m *tflite.Model, opt Options) (*Plan, error) {
	if m == nil {
		return nil, errors.New("runtime: compile: nil model")
	}
	if err := Validate(m); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	level, err := kernels.ParseLevel(opt.Kernels)
	if err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	if err := kernels.Check(level); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	threads := opt.Threads
	if threads <= 0 {
		// One per usable core: GOMAXPROCS is below NumCPU under a cgroup CPU
		// quota, and more workers than Ps would only wait for each other.
		threads = min(goruntime.NumCPU(), goruntime.GOMAXPROCS(0))
	}
	if threads > maxThreads {
		return nil, fmt.Errorf("runtime: compile: %d threads, at most %d", threads, maxThreads)
	}
	budget, err := memoryBudget(opt)
	if err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	// Every allocation whose size comes from the model's shapes is counted
	// against the budget before it is made.
	mem := planMemory{folded: foldedBytes(m)}
	if err := mem.check(m, budget); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}

	p := &Plan{model: m, trace: opt.Trace}
	// Constant DEQUANTIZE ops (int8 weight storage) become float32 weights;
	// the plan compiles the folded graph, op indices still refer to m.
	m, opIndex, err := foldConstants(m)
	if err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	// Output shapes an op defines (detection outputs the file declares []).
	if m, err = withOutputShapes(m); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	logits := logitsTensor(m)
	pinned := slices.Clone(m.Outputs)
	if logits >= 0 {
		pinned = append(pinned, logits)
	}
	detRaw := detectionPinned(m) // kept for DetectionRaw
	pinned = append(pinned, detRaw...)
	ap, err := planArena(m, pinned)
	if err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	mem.arena = ap.size
	mem.stepBytes(m, threads)
	mem.ioBytes(m, append([]int{logits}, detRaw...)...)
	if err := mem.check(m, budget); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	p.arenaBytes, p.actBytes, p.planned = int(ap.size), ap.sum, mem
	p.arena = make([]float32, (p.arenaBytes+3)/4+1)
	c := &compiler{m: m, threads: threads, level: level, arena: ap}
	c.mem = unsafe.Slice((*byte)(unsafe.Pointer(&p.arena[0])), 4*len(p.arena))

	steps := make([]step, 0, len(m.Ops))
	p.layers = make([]LayerInfo, len(m.Ops))
	for i := range m.Ops {
		first := len(steps)
		var info LayerInfo
		if steps, info, err = c.buildOp(i, steps); err != nil {
			return nil, fmt.Errorf("runtime: compile: op %d (%s): %w", opIndex[i], m.Ops[i].Name(), err)
		}
		for j := first; j < len(steps); j++ {
			steps[j].layer, steps[j].op = i, opIndex[i]
		}
		info.Index = opIndex[i]
		p.layers[i] = info
	}
	setBarriers(steps)

	if err := p.setIO(c, logits); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	if err := p.bindOutputs(c); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	if err := p.bindDetector(c); err != nil {
		return nil, fmt.Errorf("runtime: compile: detection inputs: %w", err)
	}
	p.eng = &engine{steps: steps}
	if threads > 1 && opt.Trace == nil {
		p.pool = startWorkers(p.eng, threads)
		goruntime.AddCleanup(p, func(wp *workerPool) { wp.stop() }, p.pool)
	}
	return p, nil
}

// logitsTensor returns the tensor feeding a SOFTMAX that produces model
// output 0 (looking back through reshapes and a DEQUANTIZE or QUANTIZE after
// it), or -1.
func logitsTensor(m *tflite.Model) int {
	t := m.Outputs[0]
	for range len(m.Ops) + 1 {
		op := producer(m, t)
		switch {
		case op == nil:
			return -1
		case op.Kind == tflite.OpSoftmax:
			return op.Inputs[0]
		case op.Kind == tflite.OpDequantize, op.Kind == tflite.OpQuantize:
			t = op.Inputs[0]
		case lookupOp(op) != nil && lookupOp(op).alias:
			t = op.Inputs[0]
		default:
			return -1
		}
	}
	return -1
}

// producer returns the op that writes tensor t, or nil.
func producer(m *tflite.Model, t int) *tflite.Op {
	for i := range m.Ops {
		if slices.Contains(m.Ops[i].Outputs, t) {
			return &m.Ops[i]
		}
	}
	return nil
}

// f32 returns the arena view of a float32 activation tensor.
func (c *compiler) f32(ti int) []float32 {
	off, n := c.arena.offset(ti), c.m.Tensors[ti].Elems()
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&c.mem[off])), n)
}

// i8 returns the arena view of a quantized (int8-domain) activation tensor.
func (c *compiler) i8(ti int) []int8 {
	off, n := c.arena.offset(ti), c.m.Tensors[ti].Elems()
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&c.mem[off])), n)
}
