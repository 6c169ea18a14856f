package mobilenet_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// TestBuiltModelsValidate checks that the runtime accepts what Build makes,
// in every scheme and shape family (Build itself checks only the file
// structure: this package does not import the engine).
func TestBuiltModelsValidate(t *testing.T) {
	for _, cfg := range []mobilenet.Config{
		{Alpha: 0.25, Res: 32, DType: tflite.Float32},
		{Alpha: 0.25, Res: 32, DType: tflite.Int8},
		{Alpha: 0.35, Res: 96, Classes: 10, DType: tflite.Int8},
		{Alpha: 1.3, Res: 64, DType: tflite.Float32},
		{Alpha: 0.5, Res: 64, FullConv: true, NoBias: true, Classes: 1000},
		{Alpha: 0.5, Res: 64, FullConv: true, DType: tflite.Int8},
		{Alpha: 0.25, Res: 32, NoBias: true, DType: tflite.Int8},
	} {
		t.Run(fmt.Sprintf("%g_%d_%v_full%t_nobias%t", cfg.Alpha, cfg.Res, cfg.DType, cfg.FullConv, cfg.NoBias), func(t *testing.T) {
			m, err := mobilenet.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := runtime.Validate(m); err != nil {
				t.Fatalf("runtime.Validate rejects the built model: %v", err)
			}
		})
	}
}
