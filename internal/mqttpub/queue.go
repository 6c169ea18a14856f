package mqttpub

// eventQueue is a fixed-capacity FIFO of event messages: a ring buffer that
// never allocates after it is made. When it is full, push refuses the new
// message (the oldest ones are kept, so what is delivered stays in order).
type eventQueue struct {
	buf        []EventMessage
	head, size int
}

func newEventQueue(capacity int) eventQueue { return eventQueue{buf: make([]EventMessage, capacity)} }

func (q *eventQueue) len() int { return q.size }

// push appends m and reports whether there was room.
func (q *eventQueue) push(m EventMessage) bool {
	if q.size == len(q.buf) {
		return false
	}
	q.buf[(q.head+q.size)%len(q.buf)] = m
	q.size++
	return true
}

// front returns the oldest message; ok is false when the queue is empty.
func (q *eventQueue) front() (m EventMessage, ok bool) {
	if q.size == 0 {
		return EventMessage{}, false
	}
	return q.buf[q.head], true
}

// pop removes the oldest message.
func (q *eventQueue) pop() {
	if q.size == 0 {
		return
	}
	q.buf[q.head] = EventMessage{}
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}
