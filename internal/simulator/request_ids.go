package simulator

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
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
	var h [32]byte
	hex.Encode(h[:], raw[:])
	b := make([]byte, 0, 36)
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-')
	b = append(b, h[12:16]...)
	b = append(b, '-')
	b = append(b, h[16:20]...)
	b = append(b, '-')
	b = append(b, h[20:32]...)
	return toUpperHex(b)
}

func toUpperHex(b []byte) string {
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
