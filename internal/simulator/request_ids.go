package simulator

import (
	"crypto/rand"
	"encoding/binary"
	"sync/atomic"
)

// requestIDs makes UUID-shaped request IDs cheaply: a random prefix per
// server and a counter.
type requestIDs struct {
	prefix [8]byte
	seq    atomic.Uint64
}

func newRequestIDs() *requestIDs {
	r := &requestIDs{}
	_, _ = rand.Read(r.prefix[:])
	return r
}

// next returns an ID like "3F2A9C1B-07D4-4E5A-8000-00000000002A".
func (r *requestIDs) next() string {
	var raw [16]byte
	copy(raw[:8], r.prefix[:])
	binary.BigEndian.PutUint64(raw[8:], r.seq.Add(1))
	raw[6] = raw[6]&0x0f | 0x40 // version 4 shape
	raw[8] = raw[8]&0x3f | 0x80 // variant bits
	const upperHex = "0123456789ABCDEF"
	b := make([]byte, 0, 36)
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, upperHex[c>>4], upperHex[c&0x0f])
	}
	return string(b)
}
