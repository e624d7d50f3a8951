package simulator

import "sync"

// maxTrackedRegions bounds the per-region table against a client sending
// endless made-up RegionIds; calls beyond it count in the totals only.
const maxTrackedRegions = 10000

// statsTable is the totals plus one set of counters per region. Its lock
// guards the region map only; the counters are atomic.
type statsTable struct {
	total counters

	mu       sync.RWMutex
	byRegion map[string]*counters
}

func newStatsTable() *statsTable {
	return &statsTable{byRegion: map[string]*counters{}}
}

// forCall returns the counters a call for region updates.
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

// snapshot returns the counts for region; "" gives the totals.
func (t *statsTable) snapshot(region string) Stats {
	if region == "" {
		return t.total.snapshot()
	}
	if c := t.region(region, false); c != nil {
		return c.snapshot()
	}
	return Stats{}
}

// reset zeroes every count.
func (t *statsTable) reset() {
	t.total.reset()
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, c := range t.byRegion {
		c.reset()
	}
}
