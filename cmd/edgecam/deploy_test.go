package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/defaultmodel"
)

// TestDeployExamplesAreValidFlags: every EDGECAM_ARGS line of deploy/ (the
// env example and the install README), with the EDGECAM_SOURCE set before
// it in the same example, passes run's flag checks as the units pass them: `edgecam run
// -source=${EDGECAM_SOURCE} $EDGECAM_ARGS`, and its -on labels are classes
// of the embedded model. A flag renamed or a rule added in run fails here
// rather than on a Pi at boot.
func TestDeployExamplesAreValidFlags(t *testing.T) {
	source := regexp.MustCompile(`^\s*#?\s*EDGECAM_SOURCE=(.*)$`)
	argsRE := regexp.MustCompile(`^\s*EDGECAM_ARGS=(.*)$`)
	checked := 0
	for _, name := range []string{"edgecam.env.example", "README.md"} {
		f, err := os.Open(filepath.Join("..", "..", "deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		src := ""
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			if strings.HasPrefix(strings.TrimSpace(sc.Text()), "```") || strings.HasPrefix(sc.Text(), "# /etc/edgecam/") {
				src = "" // another file's example
				continue
			}
			if m := source.FindStringSubmatch(sc.Text()); m != nil {
				src = strings.Trim(m[1], `"`)
				continue
			}
			m := argsRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			args := append([]string{"-source=" + src}, strings.Fields(m[1])...)
			var o runOptions
			fs := newFlags(cmdRun, &env{stderr: &bytes.Buffer{}})
			o.addFlags(fs)
			if err := fs.Parse(args); err != nil {
				t.Errorf("deploy/%s:%d: %q: %v", name, line, args, err)
				continue
			}
			if err := o.validate(fs); err != nil {
				t.Errorf("deploy/%s:%d: %q: %v", name, line, args, err)
			}
			// The examples use the embedded model: -on must name its classes.
			if o.model == "" && o.watch.watching() {
				if _, err := o.watch.newWatcher(defaultmodel.Labels(), len(defaultmodel.Labels())); err != nil {
					t.Errorf("deploy/%s:%d: %v", name, line, err)
				}
			}
			checked++
		}
		f.Close()
	}
	if checked < 4 {
		t.Errorf("%d EDGECAM_ARGS examples found in deploy/, want at least 4", checked)
	}
}
