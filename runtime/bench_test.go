package runtime

import (
	"fmt"
	"maps"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// BenchmarkMobileNet runs whole MobileNet-V1 networks from the builder and
// reports multiply-accumulates per second over the whole network, per wall
// second (GMAC/s) and per second of the process's CPU time (GMAC/cpu-s: what
// the cores did while they ran, meaningful on a shared machine; with several
// threads it includes their barrier waits):
//
//	go test ./runtime -run '^$' -bench MobileNet -benchtime 10x
//
// The "profile" variants run RunProfiled and also report each layer type's
// share of the frame in milliseconds.
func BenchmarkMobileNet(b *testing.B) {
	shapes := []struct {
		alpha float64
		res   int
	}{{1.0, 224}, {0.25, 128}}
	for _, dt := range []tflite.DType{tflite.Float32, tflite.Int8} {
		name := map[tflite.DType]string{tflite.Float32: "f32", tflite.Int8: "int8"}[dt]
		for _, s := range shapes {
			m, err := mobilenet.Build(mobilenet.Config{Alpha: s.alpha, Res: s.res, DType: dt, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			for _, threads := range []int{1, 2} {
				shape := fmt.Sprintf("%s/%g_%d/t%d", name, s.alpha, s.res, threads)
				b.Run(shape, func(b *testing.B) { benchPlan(b, m, threads, false) })
				if s.alpha == 1 {
					b.Run(shape+"/profile", func(b *testing.B) { benchPlan(b, m, threads, true) })
				}
			}
		}
	}
}

// processCPU is the user+system CPU time of the whole process.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchPlan(b *testing.B, m *tflite.Model, threads int, profile bool) {
	p, err := Compile(m, Options{Threads: threads})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	layers := p.Layers()
	var macs int64
	for _, l := range layers {
		macs += l.MACs
	}
	h, w, _ := p.InputShape()
	if err := p.SetInputRGB(planTestImage(h, w, 1)); err != nil {
		b.Fatal(err)
	}
	nanos := make([]int64, len(layers))
	byType := map[string]int64{}
	for range 5 { // warm up: page in the arena and weights, fill the scheduler's caches
		if err := p.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU(b)
	for b.Loop() {
		if profile {
			err = p.RunProfiled(nanos)
			for i, l := range layers {
				byType[l.Type] += nanos[i]
			}
		} else {
			err = p.Run()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	elapsed, cpu := time.Since(start), processCPU(b)-cpu0
	b.ReportMetric(float64(macs)*float64(b.N)/elapsed.Seconds()/1e9, "GMAC/s")
	b.ReportMetric(float64(macs)*float64(b.N)/cpu.Seconds()/1e9, "GMAC/cpu-s")
	b.ReportMetric(elapsed.Seconds()*1e3/float64(b.N), "ms/frame")
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		b.ReportMetric(float64(byType[t])/1e6/float64(b.N), t+"-ms")
	}
}

// BenchmarkPlanOverhead runs a 10-op graph of a few thousand MACs, so the
// time per frame is mostly the plan's own cost: step dispatch, waking the
// workers and the barriers between layers.
func BenchmarkPlanOverhead(b *testing.B) {
	m := tinyNet(schemeI8, 16, 1)
	for _, threads := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("tiny_i8/t%d", threads), func(b *testing.B) {
			p, err := Compile(m, Options{Threads: threads})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			if err := p.SetInputRGB(planTestImage(16, 16, 1)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmptyFrame runs 30 parallel steps that do no work (MobileNet-V1
// has 28 compute layers): the time per frame is what waking the workers and
// 30 barriers cost.
func BenchmarkEmptyFrame(b *testing.B) {
	for _, threads := range []int{2, 4} {
		b.Run(fmt.Sprintf("30steps/t%d", threads), func(b *testing.B) {
			steps := make([]step, 30)
			for i := range steps {
				steps[i] = step{units: 64, run: func(int, int, int) {}}
			}
			setBarriers(steps)
			e := &engine{steps: steps}
			wp := startWorkers(e, threads)
			defer wp.stop()
			b.ReportAllocs()
			for b.Loop() {
				wp.wakeAll()
				e.exec(0, threads, nil)
			}
		})
	}
}
