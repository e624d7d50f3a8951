package collector

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// sweepCache is what region fetches of one kind (statuses, or instance
// health) share between scrapes: the fetch in flight per region, which
// every scrape wanting the region meanwhile joins, and each region's last
// complete result, served again while younger than the TTL, and for a
// failed region while younger than maxStaleness. Only complete results are
// kept: a failure is shared by the joiners of its flight and no one else,
// and a fetch cut short by a deadline reaches only the scrapes still
// waiting for it.
type sweepCache[T any] struct {
	ttl, maxStaleness time.Duration
	fetch             func(ctx context.Context, region string) (T, error)
	// failed is told of a region's failure: once, before any scrape sees
	// it, for a fetch that failed on its own; per scrape for a fetch cut
	// short or not finished within the scrape's deadline.
	failed func(region string, err error, d time.Duration)

	base context.Context // ended by close: cuts every flight
	stop context.CancelFunc
	wg   sync.WaitGroup // the flights' goroutines

	mu       sync.Mutex
	closed   bool
	flights  map[string]*flight[T]
	lastGood map[string]goodFetch[T]

	waiters atomic.Int64 // scrapes waiting on flights
}

// goodFetch is a region's last complete result.
type goodFetch[T any] struct {
	at       time.Time
	value    T
	duration time.Duration
}

// outcome is what a region's fetch came to for one scrape.
type outcome[T any] struct {
	value T
	err   error
	// stale is set when value is the last complete result, served again
	// for a failure within maxStaleness.
	stale       bool
	duration    time.Duration
	lastSuccess time.Time // zero if never
}

// joined is one scrape's hold on a region: the flight it waits for, or
// (f nil) the outcome it uses instead.
type joined[T any] struct {
	region string
	f      *flight[T]
	out    outcome[T]
	end    time.Time // when out came to be; set by await or settle
}

func newSweepCache[T any](ttl, maxStaleness time.Duration, fetch func(context.Context, string) (T, error), failed func(string, error, time.Duration)) *sweepCache[T] {
	base, stop := context.WithCancel(context.Background())
	return &sweepCache[T]{
		ttl: ttl, maxStaleness: maxStaleness, fetch: fetch, failed: failed,
		base: base, stop: stop,
		flights: map[string]*flight[T]{}, lastGood: map[string]goodFetch[T]{},
	}
}

// errClosed is the region result of a scrape after close.
var errClosed = &aliyun.Error{Code: aliyun.CodeTimeout, Err: context.Canceled}

// join returns a scrape's hold on region, for a scrape that waits until
// deadline (or, if !bounded, until it leaves): the flight in flight,
// joined, or a new one. When the region's last complete result is within
// the TTL, or the cache is closed, it holds that outcome instead.
func (c *sweepCache[T]) join(region string, deadline time.Time, bounded bool) joined[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return joined[T]{region: region, out: outcome[T]{err: errClosed}}
	}
	if good, ok := c.lastGood[region]; ok && c.ttl > 0 && time.Since(good.at) < c.ttl {
		return joined[T]{region: region, out: outcome[T]{value: good.value, duration: good.duration}}
	}
	if f := c.flights[region]; f != nil && f.join(deadline, bounded) {
		return joined[T]{region: region, f: f}
	}
	f := newFlight[T](c.base, region)
	f.join(deadline, bounded)
	c.flights[region] = f
	c.wg.Go(func() { f.run(c.fetch, c.record) })
	return joined[T]{region: region, f: f}
}

// await waits for j's flight until ctx ends and sets j's outcome and when
// it came. A result cut short, and a region not finished in time, are this
// scrape's own failures: it reports them.
func (c *sweepCache[T]) await(ctx context.Context, j *joined[T], start time.Time) {
	f := j.f
	if f == nil {
		return
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		select {
		case <-f.done:
		default:
			j.out = outcome[T]{duration: time.Since(start), err: &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}}
			j.end = time.Now()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				c.failed(j.region, j.out.err, j.out.duration)
			}
			return
		}
	}
	j.out, j.end = f.outcome(), f.finished
	if f.cut {
		c.failed(j.region, j.out.err, j.out.duration)
	}
}

// settle ends the scrape's hold on j once it has stopped waiting: it
// leaves a flight it waited for without a deadline, fills in the last
// success (and, for a failure, the last complete result within
// maxStaleness), and dates an outcome the scrape did not wait for.
func (c *sweepCache[T]) settle(j *joined[T], bounded bool, now time.Time) {
	if j.f != nil && !bounded {
		j.f.leave()
	}
	c.fill(j.region, &j.out, now)
	if j.end.IsZero() { // not fetched for this scrape
		j.end = now
		if j.out.err == nil {
			j.end = j.out.lastSuccess
		}
	}
}

// record ends f in the cache: it takes no joiner from now on, and a
// complete result becomes the region's last good one.
func (c *sweepCache[T]) record(f *flight[T]) {
	c.mu.Lock()
	if c.flights[f.region] == f {
		delete(c.flights, f.region)
	}
	if f.err == nil {
		c.lastGood[f.region] = goodFetch[T]{at: f.finished, value: f.value, duration: f.finished.Sub(f.start)}
	}
	c.mu.Unlock()
	if f.err != nil && !f.cut {
		c.failed(f.region, f.err, f.finished.Sub(f.start))
	}
}

// fill sets o's lastSuccess and, for a failure within maxStaleness, the
// region's last complete value.
func (c *sweepCache[T]) fill(region string, o *outcome[T], now time.Time) {
	if o.err != nil {
		var none T
		o.value = none
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	good, ok := c.lastGood[region]
	if !ok {
		return
	}
	o.lastSuccess = good.at
	if o.err != nil && c.maxStaleness > 0 && now.Sub(good.at) < c.maxStaleness {
		o.value, o.stale = good.value, true
	}
}

// close cuts every flight and waits for their goroutines; no flight starts
// after it. It is safe on a nil cache.
func (c *sweepCache[T]) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.wg.Wait()
}
