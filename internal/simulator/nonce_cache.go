package simulator

import (
	"sync"
	"time"
)

// nonceCache remembers nonces in two generations, each rotated out after
// twice the clock skew, so a nonce is remembered for at least as long as a
// request carrying it can pass the timestamp check, and memory stays
// bounded under a long benchmark.
type nonceCache struct {
	mu      sync.Mutex
	cur     map[string]struct{}
	prev    map[string]struct{}
	rotated time.Time
}

// use records nonce and reports whether it was fresh.
func (c *nonceCache) use(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || now.Sub(c.rotated) >= 2*clockSkew {
		c.prev, c.cur, c.rotated = c.cur, map[string]struct{}{}, now
	}
	if _, ok := c.cur[nonce]; ok {
		return false
	}
	if _, ok := c.prev[nonce]; ok {
		return false
	}
	c.cur[nonce] = struct{}{}
	return true
}
