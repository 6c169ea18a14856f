package mqttpub

import (
	"time"

	"github.com/edgecam/edgecam/internal/events"
)

// State is one frame's result, published on edgecam/NAME/state. Label and
// Score are filled in by the publisher from Top (or from the best detection
// when Top is empty): they are what the top-label sensor shows.
type State struct {
	Seq        uint64      `json:"seq"`
	Time       time.Time   `json:"time"`
	FPS        float64     `json:"fps"`
	Label      string      `json:"label"`
	Score      float32     `json:"score"`
	Top        []Class     `json:"top,omitempty"`
	Detections []Detection `json:"detections,omitempty"`
}

// Class is one entry of a classifier's top-K.
type Class struct {
	Index int     `json:"index"`
	Label string  `json:"label"`
	Score float32 `json:"score"`
}

// Detection is one box of a detector, corners normalized to [0, 1] in the
// detector's order: ymin, xmin, ymax, xmax.
type Detection struct {
	Index int        `json:"index"`
	Label string     `json:"label"`
	Score float32    `json:"score"`
	Box   [4]float32 `json:"box"`
}

// copyFrom copies src into s, reusing s's slices.
func (s *State) copyFrom(src *State) {
	top, det := s.Top, s.Detections
	*s = *src
	s.Top = append(top[:0], src.Top...)
	s.Detections = append(det[:0], src.Detections...)
	s.Label, s.Score = "", 0
	switch {
	case len(s.Top) > 0:
		s.Label, s.Score = s.Top[0].Label, s.Top[0].Score
	default:
		for _, d := range s.Detections {
			if s.Label == "" || d.Score > s.Score {
				s.Label, s.Score = d.Label, d.Score
			}
		}
	}
}

// EventMessage is the JSON published on edgecam/NAME/events.
type EventMessage struct {
	// ID numbers the events given to the publisher since it started, from 1,
	// including dropped ones: a gap in IDs means events were dropped, and a
	// repeated ID is a QoS 1 redelivery of the same event.
	ID       uint64    `json:"id"`
	Camera   string    `json:"camera"`
	Type     string    `json:"type"` // "start" or "end"
	Label    string    `json:"label"`
	Score    float32   `json:"score"` // see events.Event.Score
	Time     time.Time `json:"time"`
	Since    time.Time `json:"since"`
	Snapshot string    `json:"snapshot"` // path of the snapshot written for it, or ""
}

func eventMessage(id uint64, camera string, e events.Event, snapshot string) EventMessage {
	return EventMessage{ID: id, Camera: camera, Type: e.Kind.String(), Label: e.Label, Score: e.Score, Time: e.Time, Since: e.Since, Snapshot: snapshot}
}
