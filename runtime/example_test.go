package runtime_test

import (
	"fmt"
	"log"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// Classify one image: compile a model once, then set an input, run and read
// the top classes as often as needed. The model here is a small synthetic
// int8 MobileNet so that the example runs anywhere; a real program loads a
// .tflite file with runtime.Load and an image with imageinput.LoadRGB.
func Example() {
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 64, DType: tflite.Int8, Classes: 10, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: 2})
	if err != nil {
		log.Fatal(err)
	}
	defer plan.Close()

	h, w, _ := plan.InputShape()
	rgb := make([]byte, h*w*3) // HWC RGB bytes: a horizontal gradient
	for i := range rgb {
		rgb[i] = byte(i / 3 % w * 4)
	}
	if err := plan.SetInputRGB(rgb); err != nil {
		log.Fatal(err)
	}
	if err := plan.Run(); err != nil {
		log.Fatal(err)
	}
	for _, c := range plan.TopK(3, nil) {
		fmt.Printf("class %d: %.3f\n", c.Index, c.Score)
	}
	// Output:
	// class 1: 0.113
	// class 4: 0.113
	// class 5: 0.105
}

// A plan reports which kernel runs each layer type on this CPU.
func ExamplePlan_KernelsByType() {
	m, err := mobilenet.Build(mobilenet.Config{Alpha: 0.25, Res: 32, DType: tflite.Float32, Classes: 4})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: 1, Kernels: "generic"})
	if err != nil {
		log.Fatal(err)
	}
	defer plan.Close()
	fmt.Println(plan.KernelsByType()["dwconv"])
	// Output: dwconv_f32_generic
}
