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
		// run: watch score and debounce, checked with or without -on
		{runArgs("-min-score", "NaN"), "-min-score NaN"},
		{runArgs("-min-score", "1.5"), "-min-score 1.5"},
		{runArgs("-min-score", "-0.1"), "-min-score -0.1"},
		{runArgs("-on-for", "-1s"), "-on-for -1s"},
		{runArgs("-on", "cat", "-off-for", "100h"), "-off-for 100h0m0s"},
		{runArgs("-on", "cat", "-snapshots", "d", "-snapshots-max", "0"), "-snapshots-max 0"},
		// run: MQTT
		{runArgs("-mqtt", "broker.lan:1883"), "-mqtt: mqtt: broker \"broker.lan:1883\" has no scheme"},
		{runArgs("-mqtt", "tcp://cam:secret@broker.lan"), "holds a password"},
		{runArgs("-mqtt", "http://broker.lan"), "not tcp:// or ssl://"},
		{runArgs("-mqtt", "tcp://h", "-mqtt-name", "front door"), "-mqtt-name \"front door\""},
		{runArgs("-mqtt", "tcp://h", "-mqtt-user", "u", "-mqtt-password-file", "f", "-mqtt-password-env", "V"), "not both"},
		{runArgs("-mqtt", "tcp://h", "-mqtt-password-env", "V"), "needs -mqtt-user"},
		{runArgs("-mqtt", "tcp://h", "-mqtt-interval", "0s"), "-mqtt-interval 0s"},
		{runArgs("-mqtt-user", "u"), "-mqtt-user needs -mqtt"},
		// run: streams
		{[]string{"run", "-source", "-"}, "-source - needs -format"},
		{[]string{"run", "-source", "-", "-format", "i420"}, "a raw i420 stream needs -size"},
		{[]string{"run", "-source", "-", "-format", "yuyv", "-size", "63x48"}, "YUYV needs an even width"},
		{[]string{"run", "-source", "-", "-format", "mjpeg", "-fps", "15"}, "-fps 15 with -source -"},
		{[]string{"run", "-source", "exec:", "-format", "mjpeg"}, "names no program"},
		{[]string{"run", "-source", "exec:rpicam-vid 'x", "-format", "mjpeg"}, "unterminated ' quote"},
		{[]string{"run", "-source", "exec:rpicam-vid", "-format", "rgb24", "-size", "4096x3072"}, "over the limit"},
		{[]string{"run", "-source", "rec.i420"}, "a raw I420 recording needs -size"},
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
		// watched labels and what they drive
		{"-on", "cat"}, {"-on", "tabby, 281", "-on-for", "0s", "-off-for", "24h", "-gpio", "GPIO17"},
		{"-on", "cat", "-snapshots", "snaps", "-snapshots-max", "1"},
		{"-mqtt", "tcp://127.0.0.1:1883"}, {"-mqtt", "ssl://broker.lan", "-mqtt-name", "pi4-front_1", "-mqtt-interval", "250ms"},
		{"-mqtt", "tcp://[::1]", "-mqtt-user", "cam", "-mqtt-password-file", "/etc/edgecam/pw"},
		{"-mqtt", "tcp://h:1", "-mqtt-user", "cam", "-mqtt-password-env", "EDGECAM_MQTT_PASSWORD", "-on", "person"},
	} {
		var o runOptions
		fs := newFlags(cmdRun, &env{stderr: &bytes.Buffer{}})
		o.addFlags(fs)
		if err := fs.Parse(append([]string{"-source", "synthetic"}, extra...)); err != nil {
			t.Fatalf("%q: %v", extra, err)
		}
		if err := o.validate(fs); err != nil {
			t.Errorf("run %q: %v", extra, err)
		}
	}
	// Streams: -format (and -size for raw frames) given, -fps 0 or unset.
	for _, args := range [][]string{
		{"-source", "-", "-format", "i420", "-size", "640x480"},
		{"-source", "-", "-format", "mjpeg", "-fps", "0"},
		{"-source", "exec:rpicam-vid -t 0 --codec yuv420 --width 641 --height 481 -o -", "-format", "yuv420", "-size", "641x481"},
		{"-source", "exec:ffmpeg -i 'my file.mp4' -f mjpeg -", "-format", "mjpeg"},
		{"-source", "rec.i420", "-size", "320x240"},
	} {
		var o runOptions
		fs := newFlags(cmdRun, &env{stderr: &bytes.Buffer{}})
		o.addFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if err := o.validate(fs); err != nil {
			t.Errorf("run %q: %v", args, err)
		}
	}
}
