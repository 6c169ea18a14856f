package runtime

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

// BenchmarkMobileNet runs whole MobileNet-V1 networks from the builder and
// reports multiply-accumulates per second over the whole network:
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
	for _, dt := range []DType{Float32, Int8} {
		name := map[DType]string{Float32: "f32", Int8: "int8"}[dt]
		for _, s := range shapes {
			m, err := BuildMobileNet(BuildConfig{Alpha: s.alpha, Res: s.res, DType: dt, Seed: 1})
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

func benchPlan(b *testing.B, m *Model, threads int, profile bool) {
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
	start := time.Now()
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
	elapsed := time.Since(start)
	b.ReportMetric(float64(macs)*float64(b.N)/elapsed.Seconds()/1e9, "GMAC/s")
	b.ReportMetric(elapsed.Seconds()*1e3/float64(b.N), "ms/frame")
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		b.ReportMetric(float64(byType[t])/1e6/float64(b.N), t+"-ms")
	}
}
