package events

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/runtime"
)

var testLabels = []string{"background", "tabby, tabby cat", "tiger cat", "Egyptian cat", "dog", "hot dog, red hot", "dog"}

func TestMatcherResolves(t *testing.T) {
	m, err := NewMatcher([]string{"tabby", "Tiger Cat", "3", " dog ", "red hot", "tabby cat"}, testLabels)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{1}, {2}, {3}, {4, 6}, {5}, {1}}
	for i, w := range want {
		if fmt.Sprint(m.Classes(i)) != fmt.Sprint(w) {
			t.Errorf("watched %q covers classes %v, want %v", m.Labels()[i], m.Classes(i), w)
		}
	}
}

func TestMatcherErrors(t *testing.T) {
	tests := []struct {
		watch  []string
		labels []string
		want   string
	}{
		{nil, testLabels, "no labels to watch"},
		{[]string{"cat"}, testLabels, `watched label "cat" is not in the labels file`},
		{[]string{"dog", " "}, testLabels, "watched label 1 is empty"},
		{[]string{"7"}, testLabels, "watched class index 7 is outside the 7 labels"},
		{[]string{"-1"}, testLabels, "watched class index -1"},
		{[]string{"tabby"}, nil, `watched label "tabby" is a name but the model has no labels file`},
	}
	for _, tc := range tests {
		if _, err := NewMatcher(tc.watch, tc.labels); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewMatcher(%q) = %v, want an error containing %q", tc.watch, err, tc.want)
		}
	}
	// Without a labels file, indices are taken as they are.
	m, err := NewMatcher([]string{"999"}, nil)
	if err != nil || fmt.Sprint(m.Classes(0)) != "[999]" {
		t.Errorf("index without labels: %v, %v", m, err)
	}
}

func TestMatcherScores(t *testing.T) {
	m, err := NewMatcher([]string{"tabby", "3", "dog", "tiger cat"}, testLabels)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		frame []runtime.Class
		want  []float32
	}{
		{nil, []float32{0, 0, 0, 0}},
		{[]runtime.Class{{Index: 1, Score: 0.4}, {Index: 3, Score: 0.7}}, []float32{0.4, 0.7, 0, 0}},
		// "dog" covers 4 and 6: the higher score wins whatever the order.
		{[]runtime.Class{{Index: 6, Score: 0.2}, {Index: 4, Score: 0.5}, {Index: 2, Score: 0.1}}, []float32{0, 0, 0.5, 0.1}},
		{[]runtime.Class{{Index: 4, Score: 0.3}, {Index: 6, Score: 0.6}}, []float32{0, 0, 0.6, 0}},
		// NaN never wins; a later real score still counts.
		{[]runtime.Class{{Index: 4, Score: float32(math.NaN())}, {Index: 6, Score: 0.25}, {Index: 1, Score: float32(math.NaN())}}, []float32{0, 0, 0.25, 0}},
		// Classes outside the labels are ignored.
		{[]runtime.Class{{Index: -1, Score: 1}, {Index: 1000, Score: 1}}, []float32{0, 0, 0, 0}},
	}
	var dst []float32
	for _, tc := range tests {
		dst = m.Scores(dst, tc.frame)
		if fmt.Sprint(dst) != fmt.Sprint(tc.want) {
			t.Errorf("Scores(%v) = %v, want %v", tc.frame, dst, tc.want)
		}
	}
	frame := tests[2].frame
	if a := testing.AllocsPerRun(100, func() { dst = m.Scores(dst, frame) }); a != 0 {
		t.Errorf("Scores allocates %v times with a warm dst, want 0", a)
	}
}

// Matcher and Debouncer together, as a run uses them: top-K results in,
// debounced events out.
func TestMatcherDrivesDebouncer(t *testing.T) {
	m, err := NewMatcher([]string{"tabby", "dog"}, testLabels)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{Labels: m.Labels(), MinScore: 0.5, OffFor: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	results := [][]runtime.Class{
		{{Index: 1, Score: 0.8}, {Index: 4, Score: 0.1}},
		{{Index: 6, Score: 0.6}, {Index: 1, Score: 0.3}},
		{{Index: 0, Score: 0.9}},
		{{Index: 0, Score: 0.9}},
		{{Index: 0, Score: 0.9}},
	}
	var got []string
	var scores []float32
	for i, r := range results {
		scores = m.Scores(scores, r)
		evs, err := d.Update(ms(i*100), scores)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, fmt.Sprintf("%d:%s:%s:%v", i, e.Kind, e.Label, e.Score))
		}
	}
	// tabby is below from 100 ms and ends at 300 ms; dog from 200 ms, ends at 400 ms.
	want := "[0:start:tabby:0.8 1:start:dog:0.6 3:end:tabby:0.8 4:end:dog:0.6]"
	if fmt.Sprint(got) != want {
		t.Errorf("events %v, want %s", got, want)
	}
}
