// Command gen writes every tiemodels case into a directory:
// NAME.tflite and NAME.rgb (its input).
//
//	go run ./internal/tiemodels/gen DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/edgecam/edgecam/internal/fileio"
	"github.com/edgecam/edgecam/internal/tiemodels"
	"github.com/edgecam/edgecam/runtime/tflite"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	for _, c := range tiemodels.Cases() {
		if err := tflite.WriteFile(filepath.Join(dir, c.Name+".tflite"), c.Model); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", c.Name, err)
			os.Exit(1)
		}
		if err := fileio.WriteAtomic(filepath.Join(dir, c.Name+".rgb"), c.Input, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", c.Name, err)
			os.Exit(1)
		}
	}
}
