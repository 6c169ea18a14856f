package mqttpub

import (
	"slices"
	"testing"
)

func TestEventQueue(t *testing.T) {
	q := newEventQueue(3)
	for id := uint64(1); id <= 5; id++ {
		if got, want := q.push(EventMessage{ID: id}), id <= 3; got != want {
			t.Errorf("push %d = %v, want %v", id, got, want)
		}
	}
	var got []uint64
	for i := 0; i < 2; i++ {
		m, _ := q.front()
		got = append(got, m.ID)
		q.pop()
	}
	// Room again: wraps around the ring.
	q.push(EventMessage{ID: 6})
	q.push(EventMessage{ID: 7})
	if q.push(EventMessage{ID: 8}) {
		t.Error("push into a full queue succeeded")
	}
	for {
		m, ok := q.front()
		if !ok {
			break
		}
		got = append(got, m.ID)
		q.pop()
	}
	if want := []uint64{1, 2, 3, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if q.len() != 0 {
		t.Errorf("len %d after draining", q.len())
	}
	q.pop() // popping an empty queue is harmless
	if q.len() != 0 {
		t.Errorf("len %d after popping an empty queue", q.len())
	}
	z := newEventQueue(0)
	if z.push(EventMessage{ID: 1}) {
		t.Error("a queue of capacity 0 took a message")
	}
	if a := testing.AllocsPerRun(100, func() { q.push(EventMessage{ID: 9}); q.pop() }); a != 0 {
		t.Errorf("push+pop allocates %v times", a)
	}
}
