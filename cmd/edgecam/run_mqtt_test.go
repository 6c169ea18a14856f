package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	return port
}

// With the broker away the run goes on; at its end the events it could not
// deliver are counted in the summary and the run still succeeds.
func TestRunMQTTBrokerAway(t *testing.T) {
	var out, errb bytes.Buffer
	start := time.Now()
	err := run(context.Background(), []string{"run", "-source", "synthetic", "-size", "64x48", "-fps", "0", "-frames", "3", "-top", "1",
		"-on", "0", "-min-score", "0", "-mqtt", "tcp://127.0.0.1:" + closedPort(t), "-mqtt-name", "cam"}, nil, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	for _, want := range []string{"edgecam run: events: 1 starts, 1 ends", "edgecam run: mqtt cam: 0 events and 0 states sent, 2 events dropped, 0 connections"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if d := time.Since(start); d > stopGrace+10*time.Second {
		t.Errorf("the run took %v", d) // a hang, not a speed measure
	}
}

// The password comes from a file or a variable, checked before the run
// starts: a missing file or an unset variable is an error naming it.
func TestRunMQTTPasswordSources(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"run", "-source", "synthetic", "-frames", "1", "-mqtt", "tcp://127.0.0.1:" + closedPort(t), "-mqtt-user", "cam"}
	t.Setenv("EDGECAM_TEST_EMPTY", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mqtt-password-file", filepath.Join(dir, "absent")}, "absent"},
		{[]string{"-mqtt-password-file", empty}, "is empty"},
		{[]string{"-mqtt-password-file", dir}, dir},
		{[]string{"-mqtt-password-env", "EDGECAM_TEST_UNSET_VARIABLE"}, "EDGECAM_TEST_UNSET_VARIABLE is not set"},
		{[]string{"-mqtt-password-env", "EDGECAM_TEST_EMPTY"}, "EDGECAM_TEST_EMPTY is empty"},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), append(base, tc.args...), nil, &out, &errb)
		if code := exitCode(err, &errb); code != 1 || !strings.Contains(errb.String(), tc.want) || out.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q; want exit 1 naming %q before any result", tc.args, code, errb.String(), tc.want)
		}
	}
}

func TestFPSMeter(t *testing.T) {
	var m fpsMeter
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := m.Tick(t0); got != 0 {
		t.Errorf("first result: %v fps, want 0", got)
	}
	var got float64
	for i := 1; i < 40; i++ { // 10 fps, then 20 fps over the last window
		step := 100 * time.Millisecond
		if i >= 20 {
			step = 50 * time.Millisecond
		}
		t0 = t0.Add(step)
		got = m.Tick(t0)
		if i == 10 && got != 10 {
			t.Errorf("at 10 fps: %v", got)
		}
	}
	if got != 20 {
		t.Errorf("at 20 fps over the window: %v", got)
	}
}
