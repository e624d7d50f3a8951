package simulator

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket per region, made on first use from
// Config.RateLimit: the region's own rate, else the "" default; 0 (or less)
// means unlimited, which is stored as a nil limiter.
type limiters struct {
	rates map[string]float64 // read-only after New

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newLimiters(rates map[string]float64) *limiters {
	cp := make(map[string]float64, len(rates))
	for k, v := range rates {
		cp[k] = v
	}
	return &limiters{rates: cp, buckets: map[string]*rate.Limiter{}}
}

// allow takes a token from region's bucket at now.
func (l *limiters) allow(region string, now time.Time) bool {
	b := l.bucket(region)
	return b == nil || b.AllowN(now, 1)
}

func (l *limiters) bucket(region string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[region]; ok {
		return b
	}
	qps, ok := l.rates[region]
	if !ok {
		qps = l.rates[""]
	}
	var b *rate.Limiter
	if qps > 0 {
		b = rate.NewLimiter(rate.Limit(qps), max(1, int(math.Ceil(qps))))
	}
	l.buckets[region] = b
	return b
}

// latencyFor is the region's configured latency, else the "" default.
func (s *Server) latencyFor(region string) time.Duration {
	if d, ok := s.latency[region]; ok {
		return d
	}
	return s.latency[""]
}

// sleep waits d, returning false early when the client has gone away or the
// server is closing.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}
