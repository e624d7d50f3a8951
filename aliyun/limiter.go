package aliyun

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// regionLimiter paces one region's API requests with a token bucket
// (golang.org/x/time/rate). It starts at the configured rate and adapts to
// the API the way TCP adapts to a network: when the API throttles, the rate
// drops to a fraction of what the API was accepting; while requests succeed,
// it climbs back by one request per second each second, never above the
// configured rate. So a limit nobody told us about is found within a few
// requests, and retries of throttled calls queue behind the limiter instead
// of storming the API.
type regionLimiter struct {
	lim     *rate.Limiter
	ceiling rate.Limit // the configured rate; rate.Inf when unlimited

	mu         sync.Mutex
	ok         [64]time.Time // recent successes, a ring
	okNext     int
	lastChange time.Time
}

// decrease is the fraction of the accepted rate kept after a throttle.
const decrease = 0.7

// minRate is the floor the limiter never goes below: one request every
// two seconds still lets a sweep make progress.
const minRate = 0.5

func newRegionLimiter(qps float64) *regionLimiter {
	if qps <= 0 {
		return &regionLimiter{lim: rate.NewLimiter(rate.Inf, 0), ceiling: rate.Inf}
	}
	return &regionLimiter{lim: rate.NewLimiter(rate.Limit(qps), burstFor(qps)), ceiling: rate.Limit(qps)}
}

// burstFor leaves one request of headroom below the API's own burst (one
// second's worth): the API counts requests when they arrive, and network
// jitter can bring two of ours closer together than we sent them.
func burstFor(qps float64) int {
	return max(1, int(math.Ceil(qps))-1)
}

func (l *regionLimiter) wait(ctx context.Context) error { return l.lim.Wait(ctx) }

// throttled lowers the rate after the API refused a request for its rate
// limit, to a fraction of the rate it accepted over the last second.
// Concurrent requests of one burst are refused together, so only one
// decrease happens per second. With no success in the last second there is
// no evidence of the API's rate (someone else may be using it up): the rate
// is left alone and the retry's backoff does the waiting.
func (l *regionLimiter) throttled(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastChange) < time.Second {
		return
	}
	accepted := 0
	for _, t := range l.ok {
		if !t.IsZero() && now.Sub(t) <= time.Second {
			accepted++
		}
	}
	if accepted == 0 {
		return
	}
	cur := l.lim.Limit()
	if cur == rate.Inf || float64(cur) > float64(accepted) {
		cur = rate.Limit(accepted)
	}
	next := math.Max(minRate, float64(cur)*decrease)
	l.lim.SetLimitAt(now, rate.Limit(next))
	l.lim.SetBurstAt(now, 1)
	l.lastChange = now
}

// succeeded records a success and, a second after the last change, raises
// the rate by one request per second up to the configured ceiling.
func (l *regionLimiter) succeeded(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ok[l.okNext] = now
	l.okNext = (l.okNext + 1) % len(l.ok)
	cur := l.lim.Limit()
	if cur >= l.ceiling || now.Sub(l.lastChange) < time.Second {
		return
	}
	next := cur + 1
	if next >= l.ceiling {
		next = l.ceiling
		if l.ceiling == rate.Inf {
			l.lim.SetBurstAt(now, 0)
		} else {
			l.lim.SetBurstAt(now, burstFor(float64(l.ceiling)))
		}
	}
	l.lim.SetLimitAt(now, next)
	l.lastChange = now
}
