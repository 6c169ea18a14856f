package events

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/edgecam/edgecam/runtime"
)

// Matcher turns a frame's classes (top-K of a classifier, or detections as
// class index and score) into the score of each watched label, the input of
// Debouncer.Update.
type Matcher struct {
	watch   []string
	classes [][]int // per watched label, the sorted class indices it covers
}

// NewMatcher resolves each watched label against the model's labels (nil
// when there is no labels file). A watched label is a class index ("281") or
// a name, matched without regard to case against a whole label or against
// one of its comma-separated synonyms ("tabby" matches "tabby, tabby cat"),
// so a name can cover several classes. A name that matches no class, or an
// index past the labels, is an error naming it.
func NewMatcher(watch []string, labels []string) (*Matcher, error) {
	if len(watch) == 0 {
		return nil, errors.New("events: no labels to watch")
	}
	m := &Matcher{watch: append([]string(nil), watch...), classes: make([][]int, len(watch))}
	for i, w := range watch {
		w = strings.TrimSpace(w)
		if w == "" {
			return nil, fmt.Errorf("events: watched label %d is empty", i)
		}
		if n, err := strconv.Atoi(w); err == nil {
			if n < 0 || (labels != nil && n >= len(labels)) {
				return nil, fmt.Errorf("events: watched class index %d is outside the %d labels", n, len(labels))
			}
			m.classes[i] = []int{n}
			continue
		}
		if labels == nil {
			return nil, fmt.Errorf("events: watched label %q is a name but the model has no labels file; give a class index", w)
		}
		name := strings.ToLower(w)
		for c, l := range labels {
			if labelHasName(l, name) {
				m.classes[i] = append(m.classes[i], c)
			}
		}
		if len(m.classes[i]) == 0 {
			return nil, fmt.Errorf("events: watched label %q is not in the labels file", w)
		}
		slices.Sort(m.classes[i])
	}
	return m, nil
}

// labelHasName reports whether a labels-file entry is name (lower case), as
// a whole or as one of its comma-separated synonyms.
func labelHasName(label, name string) bool {
	label = strings.ToLower(strings.TrimSpace(label))
	if label == name {
		return true
	}
	for syn := range strings.SplitSeq(label, ",") {
		if strings.TrimSpace(syn) == name {
			return true
		}
	}
	return false
}

// Labels returns the watched labels as given.
func (m *Matcher) Labels() []string { return m.watch }

// Classes returns the class indices watched label i covers.
func (m *Matcher) Classes(i int) []int { return m.classes[i] }

// Scores writes into dst (grown as needed and returned) the score of each
// watched label in this frame: the highest score among the frame's classes
// it covers, 0 when none of them is in the frame. NaN scores never win.
// With a dst of enough capacity Scores does not allocate.
func (m *Matcher) Scores(dst []float32, frame []runtime.Class) []float32 {
	dst = dst[:0]
	for _, cl := range m.classes {
		var best float32
		for _, c := range frame {
			if c.Score > best {
				if _, ok := slices.BinarySearch(cl, c.Index); ok {
					best = c.Score
				}
			}
		}
		dst = append(dst, best)
	}
	return dst
}
