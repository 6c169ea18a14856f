package camera

import "hash/maphash"

// stillCache keeps the model input of the last image frame, keyed by its
// encoded data: where it lies and a hash of its content, so that a buffer
// reused for another image never matches.
type stillCache struct {
	data *byte
	n    int
	sum  uint64
	out  []byte
	seed maphash.Seed
}

func (s *stillCache) key(data []byte) (*byte, uint64) {
	if len(data) == 0 {
		return nil, 0
	}
	return &data[0], maphash.Bytes(s.seed, data)
}

// get copies the cached input into dst if data is the cached frame's.
func (s *stillCache) get(dst, data []byte) bool {
	if s.out == nil || len(data) != s.n || len(dst) != len(s.out) {
		return false
	}
	if p, sum := s.key(data); p != s.data || sum != s.sum {
		return false
	}
	copy(dst, s.out)
	return true
}

// put remembers out as the input made from data.
func (s *stillCache) put(data, out []byte) {
	p, sum := s.key(data)
	if p == nil {
		return
	}
	s.data, s.n, s.sum = p, len(data), sum
	s.out = append(s.out[:0], out...)
}
