package runtime

import (
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

func TestLoadLabels(t *testing.T) {
	for _, f := range []string{"labels.txt", "imagenet_labels_full.txt"} {
		l, err := LoadLabels(fixtures.Path(t, "models/"+f))
		if err != nil {
			t.Fatalf("LoadLabels(%s): %v", f, err)
		}
		if len(l) != 1001 || l[0] != "background" || !strings.HasPrefix(l[1], "tench") || !strings.HasPrefix(l[1000], "toilet tissue") {
			t.Errorf("%s: %d labels, [0]=%q [1]=%q [1000]=%q", f, len(l), l[0], l[1], l[1000])
		}
	}
}

func TestParseLabels(t *testing.T) {
	got, err := parseLabels("background\r\n tench \r\ngoldfish\n\n\n")
	if err != nil || !slices.Equal(got, []string{"background", "tench", "goldfish"}) {
		t.Errorf("parseLabels = %q, %v; want [background tench goldfish]", got, err)
	}
	for _, bad := range []string{"", "\n\n", "a\n\nb\n"} {
		if l, err := parseLabels(bad); err == nil {
			t.Errorf("parseLabels(%q) = %q, want an error", bad, l)
		}
	}
}
