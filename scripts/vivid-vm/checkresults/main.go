// Command checkresults checks the JSON lines `edgecam run` printed: at least
// -min results, sequence numbers increasing, -top classes each with a label
// and a score in (0, 1], scores sorted, a capture time and a positive
// latency. It exits 1 with the first problem found.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

type result struct {
	Seq     uint64    `json:"seq"`
	Capture time.Time `json:"capture"`
	Top     []struct {
		Index int     `json:"index"`
		Label string  `json:"label"`
		Score float64 `json:"score"`
	} `json:"top"`
	LatencyMS float64 `json:"latency_ms"`
	Dropped   uint64  `json:"dropped"`
}

func main() {
	minN := flag.Int("min", 1, "minimum number of results")
	top := flag.Int("top", 5, "classes per result")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: checkresults [-min N] [-top K] RESULTS.jsonl")
		os.Exit(2)
	}
	if err := check(flag.Arg(0), *minN, *top); err != nil {
		fmt.Fprintln(os.Stderr, "checkresults:", err)
		os.Exit(1)
	}
}

func check(path string, minN, top int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var n int
	var last uint64
	var lat []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("line %d: %w: %q", n+1, err, sc.Text())
		}
		n++
		if r.Seq <= last {
			return fmt.Errorf("line %d: seq %d after %d", n, r.Seq, last)
		}
		last = r.Seq
		if r.Capture.IsZero() || r.LatencyMS <= 0 {
			return fmt.Errorf("seq %d: capture %v latency %v ms", r.Seq, r.Capture, r.LatencyMS)
		}
		if len(r.Top) != top {
			return fmt.Errorf("seq %d: %d classes, want %d", r.Seq, len(r.Top), top)
		}
		for i, c := range r.Top {
			if c.Label == "" || c.Score <= 0 || c.Score > 1 || c.Index < 0 || c.Index > 1000 {
				return fmt.Errorf("seq %d: bad class %+v", r.Seq, c)
			}
			if i > 0 && c.Score > r.Top[i-1].Score {
				return fmt.Errorf("seq %d: scores not sorted", r.Seq)
			}
		}
		lat = append(lat, r.LatencyMS)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if n < minN {
		return fmt.Errorf("%d results, want at least %d", n, minN)
	}
	fmt.Printf("checkresults: %d results, seq up to %d, first latency %.1f ms, last %.1f ms\n", n, last, lat[0], lat[len(lat)-1])
	return nil
}
