package runtime

import "errors"

// THIS FILE IS THE API CONTRACT. The bodies are placeholders that the runtime
// work replaces; the signatures are what the CLI, camera, board and quant
// packages code against. Change a signature only together with its callers.

// Options controls how a model is compiled into a plan.
type Options struct {
	// Threads is the number of workers each layer is split across; 0 means one
	// per core (runtime.NumCPU).
	Threads int
	// Kernels forces a kernel level: "auto", "generic", "neon", "dotprod".
	// Empty means the EDGECAM_KERNELS environment variable, else auto.
	Kernels string
	// Trace, when set, is called after every op of a float32 model with the
	// op index, its output tensor index and the output values (calibration).
	// Tracing runs are not allocation-free; ordinary runs are.
	Trace func(op, tensor int, values []float32)
}

// LayerInfo describes one compiled step of a plan.
type LayerInfo struct {
	Index    int    // op index in the model
	Op       string // TFLite op name, e.g. "DEPTHWISE_CONV_2D"
	Type     string // layer type for reports: "conv", "dwconv", "pwconv", "pool", "fc", "softmax", "reshape", "quantize", "dequantize"
	Kernel   string // implementation name, e.g. "pwconv_f32_generic"
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
	model *Model
}

var errNotYet = errors.New("runtime: not implemented yet")

// Compile validates m and compiles it into a plan.
func Compile(m *Model, opt Options) (*Plan, error) { return nil, errNotYet }

// Close stops the plan's workers. The plan is unusable afterwards.
func (p *Plan) Close() {}

// Model returns the model the plan was compiled from.
func (p *Plan) Model() *Model { return p.model }

// InputShape is the model input's height, width and channels.
func (p *Plan) InputShape() (h, w, c int) { return 0, 0, 0 }

// InputType is the model input's element type.
func (p *Plan) InputType() DType { return Float32 }

// SetInputRGB sets the input from an HWC uint8 RGB image of exactly the input
// size, converting it per the model's convention: float models get
// (x-127.5)/127.5, uint8 models the raw bytes, int8 models x-128 (or the input
// tensor's own quantization when it differs from scale 1/128).
func (p *Plan) SetInputRGB(rgb []byte) error { return errNotYet }

// Run runs one inference. It allocates nothing.
func (p *Plan) Run() error { return errNotYet }

// RunProfiled runs one inference and stores each layer's wall time in
// nanoseconds in layerNanos (len(layerNanos) >= len(Layers())). It allocates
// nothing.
func (p *Plan) RunProfiled(layerNanos []int64) error { return errNotYet }

// Layers describes the compiled steps in execution order.
func (p *Plan) Layers() []LayerInfo { return nil }

// KernelsByType maps each layer type present ("conv", "dwconv", "pwconv", ...)
// to the implementation chosen for it.
func (p *Plan) KernelsByType() map[string]string { return nil }

// ArenaBytes is the size of the activation arena shared by all layers.
func (p *Plan) ArenaBytes() int { return 0 }

// OutputType is the element type of the model output.
func (p *Plan) OutputType() DType { return Float32 }

// OutputRaw returns the output tensor's bytes as the model defines them
// (uint8, int8 or little-endian float32). The slice is owned by the plan and
// overwritten by the next Run.
func (p *Plan) OutputRaw() []byte { return nil }

// OutputFloat dequantizes the output into dst (grown if short) and returns it.
func (p *Plan) OutputFloat(dst []float32) []float32 { return dst }

// LogitsRaw returns the raw tensor that feeds a final SOFTMAX, in the model's
// dtype, and false when the model does not end in softmax.
func (p *Plan) LogitsRaw() ([]byte, bool) { return nil, false }

// TopK writes the k best output classes into dst (sorted by descending score,
// ties by ascending index) and returns it. With cap(dst) >= k it allocates nothing.
func (p *Plan) TopK(k int, dst []Class) []Class { return dst[:0] }
