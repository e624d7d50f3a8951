package simulator

import "sync/atomic"

// callStats is the counters one call updates: the totals and, when the
// call names a region the table tracks, its region's.
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
