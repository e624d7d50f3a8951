package simulator

import (
	"sync"
	"sync/atomic"
)

// Stats counts the calls the simulator has seen. A call belongs to the
// region named by its RegionId parameter, whether or not that region exists.
type Stats struct {
	// Calls counts every request that reached the simulator.
	Calls int64
	// Throttled counts the calls refused with Throttling.User.
	Throttled int64
	// Errors counts the error responses the simulator produced itself:
	// authentication, validation and throttling (so Throttled is a subset),
	// but not injected faults.
	Errors int64
	// Faulted counts the calls an injected fault fired on.
	Faulted int64
	// MaxInFlight is the peak number of concurrent requests for this region
	// (for region "", across all regions) since New or ResetStats.
	MaxInFlight int64
}

// maxTrackedRegions bounds the per-region table against a client sending
// endless made-up RegionIds; calls beyond it count in the totals only.
const maxTrackedRegions = 10000

type counters struct {
	calls, throttled, errors, faulted atomic.Int64
	inFlight, maxInFlight             atomic.Int64
}

func (c *counters) enter() {
	n := c.inFlight.Add(1)
	c.calls.Add(1)
	for {
		m := c.maxInFlight.Load()
		if n <= m || c.maxInFlight.CompareAndSwap(m, n) {
			return
		}
	}
}

func (c *counters) leave() { c.inFlight.Add(-1) }

func (c *counters) snapshot() Stats {
	return Stats{
		Calls:       c.calls.Load(),
		Throttled:   c.throttled.Load(),
		Errors:      c.errors.Load(),
		Faulted:     c.faulted.Load(),
		MaxInFlight: c.maxInFlight.Load(),
	}
}

func (c *counters) reset() {
	c.calls.Store(0)
	c.throttled.Store(0)
	c.errors.Store(0)
	c.faulted.Store(0)
	c.maxInFlight.Store(c.inFlight.Load())
}

// statsTable is the totals plus one counters per region.
type statsTable struct {
	total counters

	mu       sync.RWMutex
	byRegion map[string]*counters
}

// callStats is the counters one call updates: the totals and its region's.
type callStats struct{ total, region *counters }

func (c callStats) enter() {
	c.total.enter()
	if c.region != nil {
		c.region.enter()
	}
}

func (c callStats) leave() {
	c.total.leave()
	if c.region != nil {
		c.region.leave()
	}
}

func (c callStats) add(f func(*counters) *atomic.Int64) {
	f(c.total).Add(1)
	if c.region != nil {
		f(c.region).Add(1)
	}
}

func (c callStats) countError()     { c.add(func(k *counters) *atomic.Int64 { return &k.errors }) }
func (c callStats) countThrottled() { c.add(func(k *counters) *atomic.Int64 { return &k.throttled }) }
func (c callStats) countFaulted()   { c.add(func(k *counters) *atomic.Int64 { return &k.faulted }) }

func (t *statsTable) forCall(region string) callStats {
	c := callStats{total: &t.total}
	if region != "" {
		c.region = t.region(region, true)
	}
	return c
}

// region returns region's counters, creating them when create is set and
// the table has room; nil otherwise.
func (t *statsTable) region(region string, create bool) *counters {
	t.mu.RLock()
	c, ok := t.byRegion[region]
	t.mu.RUnlock()
	if ok || !create {
		return c
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.byRegion[region]; ok {
		return c
	}
	if len(t.byRegion) >= maxTrackedRegions {
		return nil
	}
	c = &counters{}
	t.byRegion[region] = c
	return c
}

// Stats returns the counts for region; region "" gives the totals over
// every call. A call without a RegionId counts in the totals only.
func (s *Server) Stats(region string) Stats {
	if region == "" {
		return s.stats.total.snapshot()
	}
	if c := s.stats.region(region, false); c != nil {
		return c.snapshot()
	}
	return Stats{}
}

// ResetStats zeroes every count. MaxInFlight restarts from the requests in
// flight now.
func (s *Server) ResetStats() {
	s.stats.total.reset()
	s.stats.mu.RLock()
	defer s.stats.mu.RUnlock()
	for _, c := range s.stats.byRegion {
		c.reset()
	}
}
