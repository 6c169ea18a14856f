package runtime

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// THIS FILE IS THE API CONTRACT: the signatures are what the CLI, camera,
// board and quant packages code against. Change a signature only together with
// its callers. Compilation lives in compile*.go, execution in exec*.go and
// workers*.go, input and output conversion in input*.go and output*.go.

// Options controls how a model is compiled into a plan.
type Options struct {
	// Threads is the number of workers each layer is split across; 0 means one
	// per core (runtime.NumCPU, capped at GOMAXPROCS).
	Threads int
	// Kernels forces a kernel level: "auto", "generic", "neon", "dotprod"
	// (kernels.ParseLevel). Empty means auto: the fastest implementation
	// available for each layer. The library reads no environment variable;
	// edgecam's -kernels flag and EDGECAM_KERNELS are the command's.
	Kernels string
	// MaxMemory is the memory budget of the plan in bytes: Compile refuses,
	// before allocating it, a plan whose activation arena, weights, scratch
	// and output buffers would exceed it. 0 means DefaultMaxMemory.
	MaxMemory int64
	// Trace, when set, is called after every op of a float32 model, once per
	// float32 output of the op, with the op index, the output tensor index
	// and the output values (calibration).
	// Tracing runs are not allocation-free; ordinary runs are. The values are
	// owned by the plan and only valid during the call. A traced plan runs
	// its layers on the calling goroutine.
	Trace func(op, tensor int, values []float32)
}

// LayerInfo describes one compiled op of a plan.
type LayerInfo struct {
	Index    int    // op index in the model
	Op       string // TFLite op name, e.g. "DEPTHWISE_CONV_2D"
	Type     string // layer type for reports (the op table's): "conv", "dwconv", "pwconv", "pool", "fc", "softmax", "reshape", "quantize", "dequantize", "add", "mean", "pad", "relu", "concat", "logistic", "postprocess"
	Kernel   string // the implementation that runs, e.g. "pwconv_f32_generic", "im2col+pwconv_q8_dotprod"
	Stride   int
	InShape  []int
	OutShape []int
	MACs     int64 // multiply-accumulates
	Params   int64 // weights + biases
}

// Class is one entry of a top-K result.
type Class struct {
	Index int
	Score float32 // probability (dequantized for quantized models)
}

// Plan is a model compiled for one machine: kernels chosen, weights packed,
// activation arena planned. Run may be called repeatedly; a Plan is not safe
// for concurrent Runs.
type Plan struct {
	model  *tflite.Model
	layers []LayerInfo
	eng    *engine     // the steps and their synchronisation
	pool   *workerPool // nil when the plan runs on one thread
	trace  func(op, tensor int, values []float32)
	closed bool

	arena      []float32  // backing store of every activation (float32-aligned)
	arenaBytes int        // planned arena size
	actBytes   int64      // sum of all activation buffers (what no sharing would cost)
	planned    planMemory // what Compile counted against the memory budget

	in        ioTensor
	out       ioTensor   // model output 0 (also outs[0])
	outs      []ioTensor // every model output, in the model's order
	logits    ioTensor   // valid when hasLogits
	hasLogits bool
	det       *detector // nil unless the model is a detector (detections.go)

	inF32 [3][256]float32 // SetInputRGB conversion per channel for float inputs
	inQ8  [3][256]int8    // ... and for quantized inputs (int8 domain); normalize.go
	inErr error           // why the model's own normalization cannot feed its float input
}

// errClosed is returned by Run after Close.
var errClosed = errors.New("runtime: plan is closed")

// Close stops the plan's workers. The plan is unusable afterwards.
func (p *Plan) Close() {
	if p.closed {
		return
	}
	p.closed = true
	if p.pool != nil {
		p.pool.stop()
	}
}

// Model returns the model the plan was compiled from.
func (p *Plan) Model() *tflite.Model { return p.model }

// Run runs one inference. It allocates nothing. A panic inside a step, on any
// worker, is returned as a *PanicError naming the op and its kernel; the
// plan stays usable and the next Run starts afresh.
func (p *Plan) Run() error { return p.run(nil) }

// RunProfiled runs one inference and stores each layer's wall time in
// nanoseconds in layerNanos (len(layerNanos) >= len(Layers())). It allocates
// nothing, and reports a panic as Run does.
func (p *Plan) RunProfiled(layerNanos []int64) error {
	if len(layerNanos) < len(p.layers) {
		return errors.New("runtime: RunProfiled: layerNanos is shorter than the number of layers")
	}
	return p.run(layerNanos)
}

// Layers describes the compiled ops in execution order, one entry per op of
// the model (constant DEQUANTIZEs, folded at compile time, have none).
func (p *Plan) Layers() []LayerInfo { return slices.Clone(p.layers) }

// KernelsByType maps each layer type present ("conv", "dwconv", "pwconv", ...)
// to the implementation that runs it (kernels.Select's choice for each
// layer; a kernel never hands a layer to another one). A type served by
// several implementations lists them joined by ",", in order of first use.
func (p *Plan) KernelsByType() map[string]string {
	seen := map[string][]string{}
	for _, l := range p.layers {
		if !slices.Contains(seen[l.Type], l.Kernel) {
			seen[l.Type] = append(seen[l.Type], l.Kernel)
		}
	}
	out := make(map[string]string, len(seen))
	for _, t := range slices.Sorted(maps.Keys(seen)) {
		out[t] = strings.Join(seen[t], ",")
	}
	return out
}

// ArenaBytes is the size of the activation arena shared by all layers.
func (p *Plan) ArenaBytes() int { return p.arenaBytes }
