// Command _asm generates the AVX2 and AVX-512 assembly of package
// kernels/amd64 with avo (github.com/mmcloughlin/avo), in its own module so
// the edgecam module does not depend on avo (the x/crypto _asm pattern).
//
// Run from this folder:
//
//	go run .            // writes ../*_amd64.s and ../*_stub_amd64.go
//	go run . -out DIR   // writes them into DIR (scripts/check-amd64-gen.sh)
//
// Each op stem (pwconv_f32, pwconv_q8, dwconv_f32, dwconv_q8, conv_f32,
// conv_q8) is one build.Context, printed as a .s file and a file of Go stub
// declarations, both tagged gc && !purego (the _amd64 suffix adds the
// architecture).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
)

// file is one generated pair: stem_amd64.s and stem_stub_amd64.go.
type file struct {
	stem string
	gen  func(c *build.Context)
}

var files = []file{
	{"pwconv_f32", genPwconvF32},
	{"pwconv_q8", genPwconvQ8},
	{"dwconv_f32", genDwconvF32},
	{"dwconv_q8", genDwconvQ8},
	{"conv_f32", genConvF32},
	{"conv_q8", genConvQ8},
}

func main() {
	// An own flag set: avo's build package registers -out on the default one.
	fs := flag.NewFlagSet("_asm", flag.ExitOnError)
	out := fs.String("out", "..", "directory to write the .s and stub files into")
	fs.Parse(os.Args[1:])
	for _, f := range files {
		if err := write(*out, f); err != nil {
			fmt.Fprintf(os.Stderr, "_asm: %s: %v\n", f.stem, err)
			os.Exit(1)
		}
	}
}

// write builds one context and prints its assembly and stubs.
func write(dir string, f file) error {
	c := build.NewContext()
	c.ConstraintExpr("gc,!purego")
	f.gen(c)
	ir, err := c.Result()
	if err != nil {
		return err
	}
	if err := pass.Compile.Execute(ir); err != nil {
		return err
	}
	cfg := printer.Config{Name: "kernels/amd64/_asm", Pkg: "amd64"}
	asm, err := printer.NewGoAsm(cfg).Print(ir)
	if err != nil {
		return err
	}
	stubs, err := printer.NewStubs(cfg).Print(ir)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, f.stem+"_amd64.s"), asm); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, f.stem+"_stub_amd64.go"), stubs)
}

// writeFile replaces path atomically (temp file in the same folder, rename).
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gen-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
