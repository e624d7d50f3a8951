package simulator

import (
	"maps"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimits holds one token bucket per region, made on first use from
// Config.RateLimit: the region's own rate, else the "" default; 0 (or less)
// means unlimited, which is stored as a nil limiter.
type rateLimits struct {
	rates map[string]float64 // read-only after newRateLimits

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newRateLimits(rates map[string]float64) *rateLimits {
	return &rateLimits{rates: maps.Clone(rates), buckets: map[string]*rate.Limiter{}}
}

// allow takes a token from region's bucket at now.
func (l *rateLimits) allow(region string, now time.Time) bool {
	b := l.bucket(region)
	return b == nil || b.AllowN(now, 1)
}

// bucket is region's limiter, made on first use; nil means unlimited.
func (l *rateLimits) bucket(region string) *rate.Limiter {
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
