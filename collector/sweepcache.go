package collector

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// sweepCache is what region fetches share between scrapes: the fetch in
// flight per region, which every scrape wanting the region meanwhile joins,
// and each region's last complete result, served again while younger than
// the TTL, and for a failed region while younger than maxStaleness. Only
// complete results are kept: a failure is shared by the joiners of its
// flight and no one else, and a fetch cut short by a deadline reaches only
// the scrapes still waiting for it.
type sweepCache struct {
	ttl, maxStaleness time.Duration
	fetch             func(ctx context.Context, region string) ([]aliyun.Instance, error)
	// failed is told of a fetch that failed on its own (not cut), once,
	// before any scrape sees it.
	failed func(r RegionResult)

	base context.Context // ended by close: cuts every flight
	stop context.CancelFunc
	wg   sync.WaitGroup // the flights' goroutines

	mu       sync.Mutex
	closed   bool
	flights  map[string]*flight
	lastGood map[string]goodFetch

	waiters atomic.Int64 // scrapes waiting on flights
}

// goodFetch is a region's last complete result.
type goodFetch struct {
	at        time.Time
	instances []aliyun.Instance
	duration  time.Duration
}

func newSweepCache(ttl, maxStaleness time.Duration, fetch func(context.Context, string) ([]aliyun.Instance, error), failed func(RegionResult)) *sweepCache {
	base, stop := context.WithCancel(context.Background())
	return &sweepCache{
		ttl: ttl, maxStaleness: maxStaleness, fetch: fetch, failed: failed,
		base: base, stop: stop,
		flights: map[string]*flight{}, lastGood: map[string]goodFetch{},
	}
}

// errClosed is the region result of a scrape after close.
var errClosed = &aliyun.Error{Code: aliyun.CodeTimeout, Err: context.Canceled}

// join returns the flight of region that a scrape waiting until deadline
// (or, if !bounded, until it leaves) should wait for, joining the one in
// flight or starting one. It returns nil and the result to use instead when
// the region's last complete result is within the TTL, or the cache is
// closed.
func (c *sweepCache) join(region string, deadline time.Time, bounded bool) (*flight, RegionResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, RegionResult{Region: region, Err: errClosed}
	}
	if good, ok := c.lastGood[region]; ok && c.ttl > 0 && time.Since(good.at) < c.ttl {
		return nil, RegionResult{Region: region, Instances: good.instances, Duration: good.duration}
	}
	if f := c.flights[region]; f != nil && f.join(deadline, bounded) {
		return f, RegionResult{}
	}
	f := newFlight(c.base, region)
	f.join(deadline, bounded)
	c.flights[region] = f
	c.wg.Go(func() { f.run(c.fetch, c.record) })
	return f, RegionResult{}
}

// record ends f in the cache: it takes no joiner from now on, and a
// complete result becomes the region's last good one.
func (c *sweepCache) record(f *flight) {
	c.mu.Lock()
	if c.flights[f.region] == f {
		delete(c.flights, f.region)
	}
	if f.err == nil {
		c.lastGood[f.region] = goodFetch{at: f.finished, instances: f.instances, duration: f.finished.Sub(f.start)}
	}
	c.mu.Unlock()
	if f.err != nil && !f.cut {
		c.failed(f.result())
	}
}

// fill sets r's LastSuccess and, for a failed region within maxStaleness,
// its last complete fleet.
func (c *sweepCache) fill(r *RegionResult, now time.Time) {
	if r.Err != nil {
		r.Instances = nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	good, ok := c.lastGood[r.Region]
	if !ok {
		return
	}
	r.LastSuccess = good.at
	if r.Err != nil && c.maxStaleness > 0 && now.Sub(good.at) < c.maxStaleness {
		r.Instances, r.Stale = good.instances, true
	}
}

// close cuts every flight and waits for their goroutines; no flight starts
// after it.
func (c *sweepCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.wg.Wait()
}
