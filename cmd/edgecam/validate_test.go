package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestNumericFlagsRejected runs every command with each bad numeric (and
// numeric-like) flag value: each must be a usage error (exit 2) naming the
// flag, found before any file is opened (the model paths do not exist).
func TestNumericFlagsRejected(t *testing.T) {
	runArgs := func(extra ...string) []string {
		return append([]string{"run", "-model", "absent.tflite", "-source", "synthetic"}, extra...)
	}
	cases := []struct {
		args []string
		flag string // what the message must name
	}{
		// run: frame size and format
		{runArgs("-size", "63x48", "-format", "yuyv"), "-size 63x48: YUYV needs an even width"},
		{[]string{"run", "-model", "absent.tflite", "-source", "rec.yuyv", "-size", "63x48"}, "YUYV needs an even width"},
		{[]string{"run", "-model", "absent.tflite", "-source", "rec.YUYV"}, "needs -size"},
		{runArgs("-size", "63x48", "-format", "nv12"), "NV12 needs an even width and height"},
		{runArgs("-size", "64x47", "-format", "nv12"), "NV12 needs an even width and height"},
		{runArgs("-size", "0x48"), "-size"},
		{runArgs("-size", "-2x48"), "-size"},
		{runArgs("-size", "64x0"), "-size"},
		{runArgs("-size", "99999x2"), "-size"},
		{runArgs("-size", "8192x8192"), "-size 8192x8192: at most"}, // 580 MB of frames
		{runArgs("-size", "4098x3072"), "-size 4098x3072: at most"},
		// run: frame rate
		{runArgs("-fps", "NaN"), "-fps NaN"},
		{runArgs("-fps", "1e-300"), "-fps 1e-300"},
		{runArgs("-fps", "-1"), "-fps -1"},
		{runArgs("-fps", "+Inf"), "-fps +Inf"},
		{runArgs("-fps", "1e9"), "-fps 1e+09"},
		// run: counts
		{runArgs("-threads", "-1"), "-threads -1"},
		{runArgs("-threads", "100000"), "-threads 100000"},
		{runArgs("-top", "0"), "-top 0"},
		{runArgs("-top", "1001"), "-top 1001"},
		{runArgs("-frames", "-3"), "-frames -3"},
		{runArgs("-threads", "1e3"), "-threads"}, // not an integer: the flag package's error
		// run: HTTP
		{runArgs("-http", "127.0.0.1:99999"), "port \"99999\""},
		{runArgs("-http", "127.0.0.1:-1"), "-http"},
		{runArgs("-http", ":http"), "-http"},
		{runArgs("-http", "127.0.0.1"), "-http"},
		{runArgs("-http", ":0", "-http-clients", "0"), "-http-clients 0"},
		{runArgs("-http", ":0", "-http-clients", "100000"), "-http-clients 100000"},
		{runArgs("-http-allow-host", "cam.local"), "-http-allow-host needs -http"},
		{runArgs("-http", ":0", "-http-allow-host", "a/b"), "-http-allow-host"},
		// run: GPIO score, checked with or without -gpio
		{runArgs("-min-score", "NaN"), "-min-score NaN"},
		{runArgs("-min-score", "1.5"), "-min-score 1.5"},
		{runArgs("-min-score", "-0.1"), "-min-score -0.1"},
		// classify
		{[]string{"classify", "-model", "absent.tflite", "-threads", "100000", "x.png"}, "-threads 100000"},
		{[]string{"classify", "-model", "absent.tflite", "-threads", "-2", "x.png"}, "-threads -2"},
		{[]string{"classify", "-model", "absent.tflite", "-top", "-1", "x.png"}, "-top"},
		{[]string{"classify", "-model", "absent.tflite", "-top", "1000000000", "x.png"}, "-top"}, // 16 GB of classes
		{[]string{"classify", "-model", "absent.tflite", "-kernels", "fast", "x.png"}, "-kernels"},
		// quantize
		{[]string{"quantize", "-model", "absent.tflite", "-calib", "synthetic", "-out", "q.tflite", "-threads", "999"}, "-threads 999"},
		{[]string{"quantize", "-model", "absent.tflite", "-calib", "synthetic", "-out", "q.tflite", "-frames", "-1"}, "-frames"},
		{[]string{"quantize", "-model", "absent.tflite", "-calib", "synthetic", "-out", "q.tflite", "-percentile", "NaN"}, "-percentile"},
		{[]string{"quantize", "-model", "absent.tflite", "-calib", "synthetic", "-out", "q.tflite", "-percentile", "100.5"}, "-percentile"},
		// bench
		{[]string{"bench", "-alpha", "NaN"}, "-alpha"},
		{[]string{"bench", "-alpha", "1e9"}, "-alpha"},
		{[]string{"bench", "-alpha", "0.25", "-res", "33"}, "-res"},
		{[]string{"bench", "-alpha", "0.25", "-res", "1048576"}, "-res"},
		{[]string{"bench", "-alpha", "0.25", "-frames", "0"}, "-frames"},
		{[]string{"bench", "-alpha", "0.25", "-frames", "100000000"}, "-frames"}, // its latencies would take 800 MB
		{[]string{"bench", "-alpha", "0.25", "-warmup", "-1"}, "-warmup"},
		{[]string{"bench", "-alpha", "0.25", "-duration", "-1s"}, "-duration"},
		{[]string{"bench", "-alpha", "0.25", "-threads", "0"}, "-threads"},
		{[]string{"bench", "-alpha", "0.25", "-threads", "100000"}, "-threads"},
		// describe
		{[]string{"describe", "-alpha", "NaN", "-res", "224"}, "-alpha"},
		{[]string{"describe", "-alpha", "+Inf", "-res", "224"}, "alpha"},
		{[]string{"describe", "-alpha", "1", "-res", "-224"}, "-res"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		err := run(context.Background(), c.args, nil, &out, &errb)
		code := exitCode(err, &errb)
		if code != 2 || !strings.Contains(errb.String(), c.flag) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 naming %q", c.args, code, errb.String(), c.flag)
		}
	}
}

// TestValidFlagsAccepted keeps validation from refusing what is meaningful.
func TestValidFlagsAccepted(t *testing.T) {
	for _, extra := range [][]string{
		{"-fps", "0"}, {"-fps", "0.01"}, {"-fps", "1000"}, {"-fps", "29.97"},
		{"-size", "64x48", "-format", "yuyv"}, {"-size", "63x48", "-format", "mjpeg"},
		{"-size", "63x47", "-format", "rgb24"}, {"-size", "64x48", "-format", "nv12"},
		{"-size", "4096x3072"}, {"-size", "4056x3040", "-format", "nv12"},
		{"-threads", "256"}, {"-min-score", "0"}, {"-min-score", "1"},
		{"-http", ":0", "-http-allow-host", "cam.local, 192.168.1.20:8080,[fe80::1]"},
		{"-http", "[::1]:65535", "-http-clients", "64"},
	} {
		o := runOptions{model: "m.tflite", top: 5, maxClients: 4, src: sourceFlags{source: "synthetic", fps: 30, format: "auto"}}
		gf := &gpioFlags{minScore: 0.5}
		fs := newFlags(cmdRun, &env{stderr: &bytes.Buffer{}})
		fs.Float64Var(&o.src.fps, "fps", 30, "")
		fs.StringVar(&o.src.size, "size", "", "")
		fs.StringVar(&o.src.format, "format", "auto", "")
		fs.IntVar(&o.threads, "threads", 0, "")
		fs.Float64Var(&gf.minScore, "min-score", 0.5, "")
		fs.StringVar(&o.httpAddr, "http", "", "")
		fs.StringVar(&o.allowHosts, "http-allow-host", "", "")
		fs.IntVar(&o.maxClients, "http-clients", 4, "")
		if err := fs.Parse(extra); err != nil {
			t.Fatalf("%q: %v", extra, err)
		}
		if err := o.validate(gf); err != nil {
			t.Errorf("run %q: %v", extra, err)
		}
	}
}
