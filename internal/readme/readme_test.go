package readme

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// snippet returns the first ```go block after the heading in README.md.
func snippet(t *testing.T, readme, heading string) string {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	s = s[i:]
	start := strings.Index(s, "```go\n")
	if start < 0 {
		t.Fatalf("no Go block in README.md's %q section", heading)
	}
	s = s[start+len("```go\n"):]
	end := strings.Index(s, "```")
	if end < 0 {
		t.Fatal("unterminated Go block")
	}
	return s[:end]
}

// TestReadmeProgramBuilds writes the README's program into a directory of
// this module and builds it: a renamed or removed API breaks this test.
func TestReadmeProgramBuilds(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	src := snippet(t, filepath.Join(root, "README.md"), "## Use edgecam from Go")
	if n := strings.Count(src, "\n"); n > 45 {
		t.Errorf("the README program has %d lines; keep it short", n)
	}
	// A directory starting with "_" inside the module: the go command builds
	// it when named, and ./... never sees it.
	dir, err := os.MkdirTemp(root, "_readme")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", os.DevNull, "./"+filepath.Base(dir))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README program does not build: %v\n%s\n%s", err, out, src)
	}
}
