package simulator

import "sync/atomic"

// counters is one row of the statsTable: lock-free counts of calls.
type counters struct {
	calls, throttled, errors, faulted atomic.Int64
	inFlight, maxInFlight             atomic.Int64
}

// enter counts a call and raises the in-flight peak when it is a new one.
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

// reset zeroes the counts; the in-flight peak restarts from the calls in
// flight now.
func (c *counters) reset() {
	c.calls.Store(0)
	c.throttled.Store(0)
	c.errors.Store(0)
	c.faulted.Store(0)
	c.maxInFlight.Store(c.inFlight.Load())
}
