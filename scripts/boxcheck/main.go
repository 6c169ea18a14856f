// Command boxcheck checks that a screenshot (PNG) shows detection boxes as
// `edgecam run` draws them: thin lines in the box colours (edgecam's first
// two, red 255,64,64 and blue 64,200,255). It counts the runs of
// box-coloured pixels at least -min-run long, horizontally or vertically,
// that are thin (at most a few pixels across: the pixels a little to each
// side are mostly not box-coloured), which tells box edges from coloured
// areas of the picture, and exits 1 when there are fewer than -min-edges.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
)

// boxColours are the first box colours of internal/snapshots' drawing,
// which the live view uses.
var boxColours = [][3]int{{255, 64, 64}, {64, 200, 255}}

// tolerance is how far each channel of a box pixel may be from its colour
// after JPEG compression and scaling in the browser.
const tolerance = 60

// side is how far beside a run boxcheck looks to see that it is thin: a
// 1-pixel edge of the 300x300 preview is 2-3 pixels wide on the page.
const side = 5

func main() {
	minRun := flag.Int("min-run", 40, "shortest run of box-coloured pixels that counts as an edge")
	minEdges := flag.Int("min-edges", 2, "edges required")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: boxcheck [-min-run N] [-min-edges N] SCREENSHOT.png")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "boxcheck:", err)
		os.Exit(1)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "boxcheck:", err)
		os.Exit(1)
	}
	edges := countEdges(img, *minRun)
	fmt.Printf("boxcheck: %d box edges of at least %d pixels\n", edges, *minRun)
	if edges < *minEdges {
		os.Exit(1)
	}
}

// isBox reports whether the pixel at x, y is near a box colour.
func isBox(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	for _, c := range boxColours {
		if abs(int(r>>8)-c[0]) <= tolerance && abs(int(g>>8)-c[1]) <= tolerance && abs(int(b>>8)-c[2]) <= tolerance {
			return true
		}
	}
	return false
}

// countEdges counts the thin runs of box-coloured pixels of at least
// minRun along the rows and along the columns.
func countEdges(img image.Image, minRun int) int {
	b := img.Bounds()
	edges := 0
	// count scans lines i of m pixels; at(i, j) reads pixel j of line i
	// (false outside the image).
	count := func(n, m int, at func(i, j int) bool) {
		for i := range n {
			run := 0
			for j := range m + 1 {
				if j < m && at(i, j) {
					run++
					continue
				}
				if run >= minRun && thin(at, i, j-run, j) {
					edges++
				}
				run = 0
			}
		}
	}
	in := func(x, y int) bool {
		return x >= 0 && y >= 0 && x < b.Dx() && y < b.Dy() && isBox(img, b.Min.X+x, b.Min.Y+y)
	}
	count(b.Dy(), b.Dx(), func(y, x int) bool { return in(x, y) })
	count(b.Dx(), b.Dy(), func(x, y int) bool { return in(x, y) })
	return edges
}

// thin reports whether the run [j0, j1) of line i has, side lines away on
// both sides, fewer than half as many box-coloured pixels: a line, not an
// area.
func thin(at func(i, j int) bool, i, j0, j1 int) bool {
	before, after := 0, 0
	for j := j0; j < j1; j++ {
		if at(i-side, j) {
			before++
		}
		if at(i+side, j) {
			after++
		}
	}
	half := (j1 - j0) / 2
	return before < half && after < half
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
