package kernels_test

import (
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// The equivalence tests (one file per op): every registered implementation
// of the op, one subtest each (t.Run(impl.Name)), against the generic one
// (the first registered) on the case lists of internal/kerneltest, with
// random data, guard bands and unaligned starts; convolutions are packed,
// then run. int8 results must be bit-exact, float32 within kerneltest's
// named bound. An implementation runs the layers its Supports accepts; for
// the others the tests check that Select picks one that does. Unavailable
// implementations are skipped with the reason; every subtest logs how many
// cases it ran (go test -v shows which kernels were exercised).

func skipUnavailable(t testing.TB, k kernels.Info) {
	t.Helper()
	if !k.Avail {
		t.Skipf("%s is not available on %s", k.Name, kernels.CPUSummary())
	}
}
