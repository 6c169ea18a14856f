package runtime

import (
	"fmt"
	"slices"
	"strings"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// The op table: every operator edgecam runs is one opDef, registered by its
// own file runtime/op_<name>.go (its operand rules, validation, compile step
// and layer type) with its kernels in kernels/. Validate, Compile, the arena
// planner, the memory budget and the reports read the table; none of them
// names an op. Adding an op means adding one op_*.go file (and its kernels).

// operandRole says what an operator requires of one input.
type operandRole int

const (
	roleActivation operandRole = iota // written by an op or the model input, never a constant
	roleConstant                      // constant data (weights, shapes, axes), folded constants included
	roleEither                        // either (DEQUANTIZE: a constant one is folded at compile time)
)

// operand describes one input position of an operator.
type operand struct {
	name     string // role in messages: "input", "filter", "bias", "shape", ...
	role     operandRole
	optional bool // may be absent (tensor index -1)
}

// opDef is one entry of the op table.
type opDef struct {
	kind   tflite.OpKind
	custom string // custom operators (kind OpCustom): the custom_code

	// Inputs: operand i describes input position i; positions beyond the
	// list are like its last entry. maxIn < 0 means any number.
	inputs         []operand
	minIn, maxIn   int
	minOut, maxOut int // results

	// alias: the (single) output is input 0 reinterpreted with another
	// shape, sharing its memory; the op compiles to no work.
	alias bool
	// folds: a constant input 0 is evaluated once at compile time and the
	// op dropped (DEQUANTIZE of stored weights, compile_fold.go).
	folds bool

	// layerType is the type reports give the op ("conv", "pwconv", ...).
	layerType func(m *tflite.Model, op *tflite.Op) string
	// validate checks the op's options, shapes and types; the operand
	// counts, absent inputs, roles and execution order are checked before
	// it (opCheck.operands), the constant roles after it.
	validate func(c *opCheck) error
	// compile builds the op's step and fills in the layer description
	// (Kernel, MACs, Params, Stride). An op that needs several steps (each
	// reading only tensors written by earlier steps or ops) sets
	// compileSteps instead; an alias op sets neither.
	compile      func(c *compiler, op *tflite.Op, info *LayerInfo) (step, error)
	compileSteps func(c *compiler, op *tflite.Op, info *LayerInfo) ([]step, error)
	// planBytes is what compile allocates beyond the arena (decoded and
	// packed weights, per-worker scratch) with threads workers, an upper
	// bound from the declared shapes; nil when it is small and fixed.
	planBytes func(m *tflite.Model, op *tflite.Op, threads int) (weights, scratch int64)
	// outputShapes, for an op whose output shapes follow from its options
	// rather than from the file (TFLite_Detection_PostProcess, whose outputs
	// converters declare as []), returns the shape of each output of a
	// valid op. validate accepts a declared shape that is [] or this one;
	// Load, Parse and Compile give the outputs these shapes (shapes.go).
	outputShapes func(m *tflite.Model, op *tflite.Op) ([][]int, error)
}

// opKey identifies a table entry: the builtin code, and for custom
// operators the custom_code.
type opKey struct {
	kind   tflite.OpKind
	custom string
}

// opTable holds every registered op; it is filled by the op files' init
// functions and read-only afterwards.
var opTable = map[opKey]*opDef{}

// registerOp adds d to the table. It panics on a malformed or duplicate
// entry: that is a programming error found by any test run.
func registerOp(d *opDef) {
	k := opKey{d.kind, d.custom}
	switch {
	case opTable[k] != nil:
		panic(fmt.Sprintf("runtime: op %s registered twice", d.name()))
	case (d.kind == tflite.OpCustom) != (d.custom != ""):
		panic(fmt.Sprintf("runtime: op %s: a custom op needs kind OpCustom and a name", d.name()))
	case len(d.inputs) == 0 || d.minIn < 1 || (d.maxIn >= 0 && d.maxIn < d.minIn) || d.minOut < 1 || d.maxOut < d.minOut:
		panic(fmt.Sprintf("runtime: op %s: bad operand counts", d.name()))
	case d.validate == nil || d.layerType == nil:
		panic(fmt.Sprintf("runtime: op %s: validate and layerType are required", d.name()))
	case d.alias == (d.compile != nil || d.compileSteps != nil) || (d.compile != nil && d.compileSteps != nil):
		panic(fmt.Sprintf("runtime: op %s: an op has compile or compileSteps, an alias neither", d.name()))
	case d.alias && (d.maxOut != 1 || d.inputs[0].role != roleActivation):
		panic(fmt.Sprintf("runtime: alias op %s must have one output and an activation input", d.name()))
	}
	opTable[k] = d
}

// lookupOp returns the table entry of op, or nil when edgecam does not run it.
func lookupOp(op *tflite.Op) *opDef {
	k := opKey{op.Kind, ""}
	if op.Kind == tflite.OpCustom {
		k.custom = op.Custom
	}
	return opTable[k]
}

// name is the operator's name in messages.
func (d *opDef) name() string {
	if d.custom != "" {
		return d.custom
	}
	return d.kind.String()
}

// operand returns the description of input position j.
func (d *opDef) operand(j int) operand {
	return d.inputs[min(j, len(d.inputs)-1)]
}

// supportedOps lists the names of every op in the table, sorted, for the
// message that refuses an unsupported one.
func supportedOps() string {
	names := make([]string, 0, len(opTable))
	for _, d := range opTable {
		names = append(names, d.name())
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// supportedCustomOps lists the names of the custom ops in the table, sorted,
// for the message that refuses another custom op.
func supportedCustomOps() string {
	var names []string
	for _, d := range opTable {
		if d.custom != "" {
			names = append(names, d.custom)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// fixedType is a layerType for ops whose report type does not depend on
// their operands.
func fixedType(t string) func(*tflite.Model, *tflite.Op) string {
	return func(*tflite.Model, *tflite.Op) string { return t }
}
