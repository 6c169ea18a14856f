package events

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// referenceEvents decides presence from the whole history of one label, as
// the rules are worded, instead of incrementally: at each frame k, an absent
// label starts if every frame of the run of seen frames ending at k is seen
// and the run spans at least onFor; a present one ends likewise for unseen
// frames and offFor. Scores are the peaks over the frames the rules name.
func referenceEvents(times []time.Time, scores []float32, minScore float32, onFor, offFor time.Duration) []wantEvent {
	seen := func(k int) bool { return scores[k] >= minScore }
	runStart := func(k int, want bool) int { // first frame of the run ending at k where seen(j) == want
		j := k
		for j > 0 && seen(j-1) == want {
			j--
		}
		return j
	}
	peak := func(from, to int) float32 {
		var p float32
		first := true
		for j := from; j <= to; j++ {
			if seen(j) && (first || scores[j] > p) {
				p, first = scores[j], false
			}
		}
		return p
	}
	var out []wantEvent
	present, episode := false, 0
	for k := range scores {
		switch {
		case !present && seen(k):
			j := runStart(k, true)
			if times[k].Sub(times[j]) >= onFor {
				present, episode = true, j
				out = append(out, wantEvent{k, Start, "l", peak(j, k), ms2(times[k]), ms2(times[j])})
			}
		case present && !seen(k):
			j := runStart(k, false)
			if times[k].Sub(times[j]) >= offFor {
				present = false
				out = append(out, wantEvent{k, End, "l", peak(episode, k), ms2(times[k]), ms2(times[j])})
			}
		}
	}
	return out
}

func ms2(t time.Time) int { return int(t.Sub(t0) / time.Millisecond) }

// Random score sequences (NaN included, frame gaps from 0 to 300 ms, several
// on-for and off-for values) give exactly the reference's events.
func TestDebouncerMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	durations := []time.Duration{0, 100 * time.Millisecond, 250 * time.Millisecond, time.Second}
	total := 0
	for seq := 0; seq < 2000; seq++ {
		onFor, offFor := durations[rng.IntN(len(durations))], durations[rng.IntN(len(durations))]
		minScore := float32(rng.IntN(5)) / 4
		n := 1 + rng.IntN(200)
		times, scores := make([]time.Time, n), make([]float32, n)
		at := 0
		for k := range n {
			at += rng.IntN(301)
			times[k] = ms(at)
			switch r := rng.IntN(20); {
			case r == 0:
				scores[k] = nan
			case r < 10:
				scores[k] = float32(rng.IntN(9)) / 8
			default: // runs: repeat the previous score
				if k > 0 {
					scores[k] = scores[k-1]
				}
			}
		}
		d, err := New(Config{Labels: []string{"l"}, MinScore: minScore, OnFor: onFor, OffFor: offFor})
		if err != nil {
			t.Fatal(err)
		}
		var got []wantEvent
		for k := range n {
			evs, err := d.Update(times[k], scores[k:k+1])
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				got = append(got, gotEvent(k, e))
			}
			if want := len(got) > 0 && got[len(got)-1].kind == Start; d.Present(0) != want {
				t.Fatalf("sequence %d frame %d: Present %v after events %v", seq, k, d.Present(0), got)
			}
		}
		want := referenceEvents(times, scores, minScore, onFor, offFor)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("sequence %d (min %v, on-for %v, off-for %v, scores %v):\n got %s\nwant %s", seq, minScore, onFor, offFor, scores, join(got), join(want))
		}
		total += len(got)
	}
	t.Logf("2000 random sequences, %d events, all as the reference", total)
}
