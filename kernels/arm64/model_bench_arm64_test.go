//go:build gc && !purego

package arm64_test

import (
	"testing"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// BenchmarkMobileNet runs one inference of MobileNet-V1 1.0/224 (builder
// weights, one thread) per op at each kernel level this CPU allows. It is the
// workload of the guest instruction counts in docs/perf/arm64.md:
//
//	/work/shared/tools/qemu-icount/count.sh -a 1 -b 3 -f github.com/edgecam/ \
//		-c cortex-a72 arm64.test '^BenchmarkMobileNet$/^int8/neon$'
func BenchmarkMobileNet(b *testing.B) {
	for _, dt := range []struct {
		name string
		dt   tflite.DType
	}{{"float32", tflite.Float32}, {"int8", tflite.Int8}} {
		b.Run(dt.name, func(b *testing.B) {
			m, err := mobilenet.Build(mobilenet.Config{Alpha: 1, Res: 224, DType: dt.dt, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			for _, level := range []string{"generic", "neon", "dotprod"} {
				b.Run(level, func(b *testing.B) {
					p, err := runtime.Compile(m, runtime.Options{Threads: 1, Kernels: level})
					if err != nil {
						b.Skipf("level %s: %v", level, err)
					}
					defer p.Close()
					h, w, _ := p.InputShape()
					rgb := make([]byte, h*w*3)
					for i := range rgb {
						rgb[i] = byte(i * 7)
					}
					if err := p.SetInputRGB(rgb); err != nil {
						b.Fatal(err)
					}
					for b.Loop() {
						if err := p.Run(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
