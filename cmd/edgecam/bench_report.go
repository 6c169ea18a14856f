package main

import "github.com/edgecam/edgecam/board"

// benchReport is `edgecam bench -format json`: the model, the machine and
// one result per thread count. Unknown numbers are null, unknown strings
// "unknown".
type benchReport struct {
	Model       benchModel    `json:"model"`
	Board       board.Report  `json:"board"`
	KernelLevel string        `json:"kernel_level"` // requested level
	CPUs        string        `json:"cpus"`         // pinned cpus, or "all"
	Warmup      int           `json:"warmup"`       // frames run before measuring
	Frames      int           `json:"frames"`       // frames requested (0 with -duration)
	DurationS   float64       `json:"duration_s"`   // -duration requested, 0 with -frames
	GoVersion   string        `json:"go_version"`
	GOMAXPROCS  int           `json:"gomaxprocs"`
	PeakRSS     *int64        `json:"peak_rss_bytes"` // VmHWM at the end; null where unknown
	Results     []benchResult `json:"results"`
}

// benchModel describes the benchmarked model.
type benchModel struct {
	Name       string `json:"name"`   // file base name, or mobilenet_v1_<alpha>_<res>_<dtype>
	Source     string `json:"source"` // the file, or "builder"
	DType      string `json:"dtype"`  // input dtype
	Input      []int  `json:"input"`  // h, w, c
	MACs       int64  `json:"macs"`
	Params     int64  `json:"params"`
	ArenaBytes int    `json:"arena_bytes"`
}

// benchResult is one thread count's measurement.
type benchResult struct {
	Threads        int               `json:"threads"`
	Frames         int               `json:"frames"`     // frames measured
	ElapsedS       float64           `json:"elapsed_s"`  // wall time of the measured frames
	LatencyMS      latencyStats      `json:"latency_ms"` // per frame
	FPS            float64           `json:"fps"`        // 1000 / mean latency
	GMACs          float64           `json:"gmac_per_s"` // model MACs / mean latency
	AllocsPerFrame float64           `json:"allocs_per_frame"`
	BytesPerFrame  float64           `json:"bytes_per_frame"`
	Kernels        map[string]string `json:"kernels"`      // layer type → implementation
	LayerSumMS     float64           `json:"layer_sum_ms"` // sum of the per-layer means
	LayerSumRatio  float64           `json:"layer_sum_ratio"`
	// PostProcessMS is a detection model's post-process time per frame
	// (null for other models) and PostProcessShare its share of the frame.
	PostProcessMS    *float64         `json:"postprocess_ms"`
	PostProcessShare float64          `json:"postprocess_share"`
	Start            board.Conditions `json:"start"`          // before warm-up
	End              board.Conditions `json:"end"`            // after the measured frames
	ThrottleSeen     board.Throttle   `json:"throttle_seen"`  // union of samples taken during the run
	PeakRSS          *int64           `json:"peak_rss_bytes"` // process VmHWM after this result; null where unknown
	Layers           []benchLayer     `json:"layers"`

	groups []frameGroup // consecutive frames, for the gobench samples
}

// frameGroup is a run of consecutive measured frames.
type frameGroup struct {
	frames int
	nanos  int64 // their total latency
}

// benchLayer is one layer's mean time over the measured frames.
type benchLayer struct {
	Index  int     `json:"index"`
	Op     string  `json:"op"`
	Type   string  `json:"type"`
	Kernel string  `json:"kernel"`
	Out    []int   `json:"out"`
	MACs   int64   `json:"macs"`
	MS     float64 `json:"ms"`    // mean per frame
	Share  float64 `json:"share"` // of the layer sum, 0..1
	GMACs  float64 `json:"gmac_per_s"`
}
