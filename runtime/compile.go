package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
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
	if err := checkGraph(m); err != nil {
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
	logits := logitsTensor(m)
	pinned := []int{m.Outputs[0]}
	if logits >= 0 {
		pinned = append(pinned, logits)
	}
	ap, err := planArena(m, pinned)
	if err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	mem.arena = ap.size
	mem.stepBytes(m, threads)
	mem.ioBytes(m, logits)
	if err := mem.check(m, budget); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	p.arenaBytes, p.actBytes, p.planned = int(ap.size), ap.sum, mem
	p.arena = make([]float32, (p.arenaBytes+3)/4+1)
	c := &compiler{m: m, threads: threads, level: level, arena: ap}
	c.mem = unsafe.Slice((*byte)(unsafe.Pointer(&p.arena[0])), 4*len(p.arena))

	steps := make([]step, len(m.Ops))
	p.layers = make([]LayerInfo, len(m.Ops))
	for i := range m.Ops {
		st, info, err := c.buildStep(i)
		if err != nil {
			return nil, fmt.Errorf("runtime: compile: op %d (%s): %w", opIndex[i], m.Ops[i].Kind, err)
		}
		st.op, info.Index = opIndex[i], opIndex[i]
		steps[i], p.layers[i] = st, info
	}
	setBarriers(steps)

	if err := p.setIO(c, logits); err != nil {
		return nil, fmt.Errorf("runtime: compile: %w", err)
	}
	p.eng = &engine{steps: steps}
	if threads > 1 && opt.Trace == nil {
		p.pool = startWorkers(p.eng, threads)
		goruntime.AddCleanup(p, func(wp *workerPool) { wp.stop() }, p.pool)
	}
	return p, nil
}

// checkGraph checks what the compiler indexes so that no bad model can make it
// panic: one input and one output, tensor indices in range, non-negative
// shapes, and ops whose required operands are present. It allocates nothing
// (beyond an error message), whatever sizes the model declares.
func checkGraph(m *tflite.Model) error {
	nt := len(m.Tensors)
	valid := func(ti int) bool { return ti >= 0 && ti < nt }
	if len(m.Inputs) != 1 || len(m.Outputs) != 1 {
		return fmt.Errorf("model has %d inputs and %d outputs, want 1 and 1", len(m.Inputs), len(m.Outputs))
	}
	if !valid(m.Inputs[0]) || !valid(m.Outputs[0]) {
		return errors.New("model input or output index out of range")
	}
	for i := range m.Tensors {
		n := 1
		for _, d := range m.Tensors[i].Shape {
			if d < 0 || (d > 0 && n > maxElems/d) {
				return fmt.Errorf("tensor %d (%q) has invalid shape %v", i, m.Tensors[i].Name, m.Tensors[i].Shape)
			}
			n *= d
		}
	}
	for i, op := range m.Ops {
		if len(op.Inputs) == 0 || len(op.Outputs) != 1 {
			return fmt.Errorf("op %d (%s) has %d inputs and %d outputs", i, op.Kind, len(op.Inputs), len(op.Outputs))
		}
		for j, ti := range op.Inputs {
			if ti == -1 && j > 0 {
				continue
			}
			if !valid(ti) {
				return fmt.Errorf("op %d (%s) input %d: tensor index %d out of range", i, op.Kind, j, ti)
			}
		}
		if !valid(op.Outputs[0]) {
			return fmt.Errorf("op %d (%s) output: tensor index %d out of range", i, op.Kind, op.Outputs[0])
		}
		if m.Tensors[op.Outputs[0]].Data != nil {
			return fmt.Errorf("op %d (%s) writes constant tensor %d", i, op.Kind, op.Outputs[0])
		}
		need := 1
		switch op.Kind {
		case tflite.OpConv2D, tflite.OpDepthwiseConv2D, tflite.OpFullyConnected:
			need = 2
		}
		if len(op.Inputs) < need || (need == 2 && op.Inputs[1] < 0) {
			return fmt.Errorf("op %d (%s) lacks its weights", i, op.Kind)
		}
	}
	return nil
}

// maxElems bounds the element count of any tensor (1 Gi elements), so that
// sizes computed from shapes never overflow.
const maxElems = 1 << 30

// isAlias reports whether an op only reinterprets its input's shape, so its
// output shares the input's memory.
func isAlias(k tflite.OpKind) bool { return k == tflite.OpReshape || k == tflite.OpSqueeze }

// logitsTensor returns the tensor feeding a final SOFTMAX (looking through
// reshapes and a DEQUANTIZE or QUANTIZE after it), or -1.
func logitsTensor(m *tflite.Model) int {
	t := m.Outputs[0]
	for range len(m.Ops) + 1 {
		prod := -1
		for i := range m.Ops {
			if m.Ops[i].Outputs[0] == t {
				prod = i
			}
		}
		if prod < 0 {
			return -1
		}
		op := &m.Ops[prod]
		switch {
		case op.Kind == tflite.OpSoftmax:
			return op.Inputs[0]
		case isAlias(op.Kind), op.Kind == tflite.OpDequantize, op.Kind == tflite.OpQuantize:
			t = op.Inputs[0]
		default:
			return -1
		}
	}
	return -1
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
