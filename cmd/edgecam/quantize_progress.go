package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressBar reports frames done, rate and time left for a long run. On a
// terminal it redraws one line in place; elsewhere (pipes, logs, CI) it
// prints a plain line at most every few seconds, so logs stay readable.
type progressBar struct {
	w     io.Writer
	tty   bool
	label string
	unit  string // what is counted, "frames" unless set
	start time.Time
	last  time.Time // last line printed (non-terminal)
	drawn bool
	now   func() time.Time
}

// progressEvery is how often a non-terminal progress line is printed.
const progressEvery = 5 * time.Second

func newProgressBar(w io.Writer, label string) *progressBar {
	p := &progressBar{w: w, tty: isTerminal(w), label: label, unit: "frames", now: time.Now}
	p.start = p.now()
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update reports done of total frames (total < 0: unknown).
func (p *progressBar) update(done, total int) {
	now := p.now()
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed
	}
	left := ""
	if total > 0 && rate > 0 {
		eta := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
		left = fmt.Sprintf(", %v left", eta)
	}
	count := fmt.Sprintf("%d", done)
	if total > 0 {
		count = fmt.Sprintf("%d/%d", done, total)
	}
	if p.tty {
		bar := ""
		if total > 0 {
			const width = 30
			n := min(width, done*width/total)
			bar = "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "] "
		}
		fmt.Fprintf(p.w, "\r%s %s%s %s, %.1f %s/s%s\x1b[K", p.label, bar, count, p.unit, rate, p.unit, left)
		p.drawn = true
		return
	}
	if done == total || now.Sub(p.last) >= progressEvery {
		fmt.Fprintf(p.w, "%s: %s %s, %.1f %s/s%s\n", p.label, count, p.unit, rate, p.unit, left)
		p.last = now
	}
}

// finish ends the terminal line.
func (p *progressBar) finish() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
