package events

import "time"

// Kind says whether an event starts or ends a label's presence.
type Kind uint8

const (
	// Start: the label has stayed at or above the minimum score for OnFor.
	Start Kind = iota + 1
	// End: the label has stayed below the minimum score for OffFor (or the
	// run ended while it was present, see Debouncer.EndAll).
	End
)

// String returns "start" or "end", the names used in JSON.
func (k Kind) String() string {
	switch k {
	case Start:
		return "start"
	case End:
		return "end"
	}
	return "unknown"
}

// Event is one change of a watched label's presence.
type Event struct {
	Kind  Kind
	Label string // the watched label, as given in Config.Labels
	Watch int    // its index in Config.Labels

	// Score is the peak score of the episode up to this event: for a Start,
	// the highest score among the frames from Since to Time (with OnFor 0,
	// the score of that one frame); for an End, the highest score seen while
	// the label was present, from its first frame at or above the minimum.
	Score float32

	// Time is the time of the frame at which the change was confirmed.
	Time time.Time
	// Since is when the condition that led to the change began: for a Start
	// the first frame of the run at or above the minimum score, for an End
	// the first frame below it (for EndAll, the time passed to it when the
	// label was still being seen).
	Since time.Time
}
