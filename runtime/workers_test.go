package runtime

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestBarrier has n goroutines pass many barriers; between two barriers each
// adds to a counter, and after each barrier every goroutine must see the
// total of all of them.
func TestBarrier(t *testing.T) {
	for _, n := range []int{2, 3, 8} {
		var b barrier
		b.cond.L = &b.mu
		var sum atomic.Int64
		var bad atomic.Int64
		var wg sync.WaitGroup
		const rounds = 300
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 1; r <= rounds; r++ {
					sum.Add(1)
					b.wait(n)
					if got := sum.Load(); got < int64(r*n) {
						bad.Add(1)
					}
					b.wait(n) // nobody adds for round r+1 before all have checked round r
				}
			}()
		}
		wg.Wait()
		if bad.Load() != 0 || sum.Load() != int64(rounds*n) {
			t.Errorf("n=%d: %d goroutines saw an incomplete round; sum %d, want %d", n, bad.Load(), sum.Load(), rounds*n)
		}
	}
}

func TestSetBarriers(t *testing.T) {
	par := step{units: 4}
	ser := step{units: 1, serial: true}
	nop := step{}
	steps := []step{par, nop, ser, ser, nop, par, ser}
	setBarriers(steps)
	var got []bool
	for _, s := range steps {
		got = append(got, s.barrier)
	}
	// parallel -> serial: barrier; serial -> serial: none; serial -> parallel:
	// barrier; a final serial step runs on worker 0 alone: none.
	want := []bool{true, false, false, true, false, true, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("barriers %v, want %v", got, want)
		}
	}
}
