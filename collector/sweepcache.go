package collector

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// sweepCache is what sweeps share between scrapes: the sweep in flight,
// which every scrape arriving meanwhile waits on; the last result, served
// again while younger than the TTL; and each region's last complete result,
// served again for a failed region while younger than maxStaleness.
type sweepCache struct {
	ttl, maxStaleness time.Duration

	mu       sync.Mutex
	inflight *sweepCall
	last     *Result
	lastGood map[string]goodSweep

	waiters atomic.Int64 // scrapes waiting on a sweep in flight
}

// sweepCall is a sweep in flight that any number of scrapes wait on.
type sweepCall struct {
	done chan struct{}
	res  *Result
}

// goodSweep is a region's last complete result.
type goodSweep struct {
	at        time.Time
	instances []aliyun.Instance
}

func newSweepCache(ttl, maxStaleness time.Duration) *sweepCache {
	return &sweepCache{ttl: ttl, maxStaleness: maxStaleness, lastGood: map[string]goodSweep{}}
}

// join returns the last result if it is young enough to serve again, or
// else the sweep in flight, starting run in the background as that sweep
// when none is.
func (c *sweepCache) join(run func() *Result) (*Result, *sweepCall) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if last := c.last; last != nil && c.ttl > 0 && time.Since(last.Finished) < c.ttl {
		return last, nil
	}
	if c.inflight == nil {
		call := &sweepCall{done: make(chan struct{})}
		c.inflight = call
		go func() {
			res := run()
			c.mu.Lock()
			c.last, c.inflight = res, nil
			c.mu.Unlock()
			call.res = res
			close(call.done)
		}()
	}
	return nil, c.inflight
}

// wait returns call's result, or false if done closes first.
func (c *sweepCache) wait(done <-chan struct{}, call *sweepCall) (*Result, bool) {
	c.waiters.Add(1)
	defer c.waiters.Add(-1)
	select {
	case <-call.done:
		return call.res, true
	case <-done:
		return nil, false
	}
}

// record remembers the complete regions of a finished sweep and fills in
// every region's LastSuccess and, for a failed one, its stale fleet.
func (c *sweepCache) record(res *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range res.Regions {
		r := &res.Regions[i]
		if r.Err == nil {
			c.lastGood[r.Region] = goodSweep{at: res.Finished, instances: r.Instances}
		} else {
			r.Instances = nil
		}
		c.fillLocked(r, res.Finished)
	}
}

// fill sets r's LastSuccess and, for a failed region within maxStaleness,
// its last complete fleet.
func (c *sweepCache) fill(r *RegionResult, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fillLocked(r, now)
}

func (c *sweepCache) fillLocked(r *RegionResult, now time.Time) {
	good, ok := c.lastGood[r.Region]
	if !ok {
		return
	}
	r.LastSuccess = good.at
	if r.Err != nil && c.maxStaleness > 0 && now.Sub(good.at) < c.maxStaleness {
		r.Instances, r.Stale = good.instances, true
	}
}
