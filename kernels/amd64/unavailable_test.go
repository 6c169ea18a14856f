//go:build !amd64 || !gc || purego

package amd64

import (
	"strings"
	"testing"
)

// TestUnavailable checks the stand-ins of a build without the assembly:
// every feature flag is false and the kernels refuse to run with a message
// that says why, so a registry bug cannot silently compute garbage.
func TestUnavailable(t *testing.T) {
	if HasAVX2FMA || HasAVX512 || HasVNNI {
		t.Fatalf("feature flags = %v %v %v without the assembly, want all false", HasAVX2FMA, HasAVX512, HasVNNI)
	}
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.Contains(s, "not built") {
			t.Fatalf("recover() = %v, want the unavailable message", r)
		}
	}()
	PackPointwiseF32AVX2(make([]float32, 4), 2, 2)
}
