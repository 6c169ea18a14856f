// Command tflitetap writes a copy of a model whose only output is one of
// its tensors, without its custom ops and metadata, so that two engines can
// be compared on a tensor inside the graph (the SSD detector's box encodings
// and class scores, before the post-process custom op).
//
//	go run ./scripts/tflitetap IN.tflite TENSOR_NAME OUT.tflite
package main

import (
	"fmt"
	"os"

	"github.com/edgecam/edgecam/runtime/tflite"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: tflitetap IN.tflite TENSOR_NAME OUT.tflite")
		os.Exit(2)
	}
	if err := tap(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "tflitetap:", err)
		os.Exit(1)
	}
}

func tap(in, name, out string) error {
	m, err := tflite.ReadFile(in)
	if err != nil {
		return err
	}
	t := -1
	for i := range m.Tensors {
		if m.Tensors[i].Name == name {
			t = i
		}
	}
	if t < 0 {
		return fmt.Errorf("%s has no tensor %q", in, name)
	}
	ops := m.Ops[:0]
	for _, op := range m.Ops {
		if op.Kind != tflite.OpCustom {
			ops = append(ops, op)
		}
	}
	m.Ops, m.Outputs, m.Metadata = ops, []int{t}, nil
	return tflite.WriteFile(out, m)
}
