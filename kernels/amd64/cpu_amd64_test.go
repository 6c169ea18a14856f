//go:build gc && !purego

package amd64

import "testing"

// TestFeatureFlags checks that the levels nest (VNNI needs AVX-512, which
// needs AVX2+FMA) and logs what this CPU runs: on a CPU without AVX-512 the
// avx512 and vnni subtests skip and only the AVX2 kernels are compared
// with generic.
func TestFeatureFlags(t *testing.T) {
	if HasVNNI && !HasAVX512 || HasAVX512 && !HasAVX2FMA {
		t.Fatalf("levels do not nest: avx2+fma %v, avx512 %v, vnni %v", HasAVX2FMA, HasAVX512, HasVNNI)
	}
	t.Logf("cpu: amd64 avx2+fma %v, avx512 (F, BW, VL) %v, avx512-vnni %v", HasAVX2FMA, HasAVX512, HasVNNI)
}
