package simulator

import (
	"sync"
	"sync/atomic"
)

// faultList is the injected faults in injection order, with how often each
// has matched and fired.
type faultList struct {
	n       atomic.Int32 // len(entries), read without the lock on the hot path
	mu      sync.Mutex
	entries []*faultEntry
}

// faultEntry is one injected fault and its counts.
type faultEntry struct {
	region  string
	fault   Fault
	matched int // matching calls seen
	fired   int // calls affected
}

// inject adds f for region ("" = every region) after the faults already
// injected.
func (l *faultList) inject(region string, f Fault) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, &faultEntry{region: region, fault: f})
	l.n.Store(int32(len(l.entries)))
}

// clear removes every fault.
func (l *faultList) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
	l.n.Store(0)
}

// pick returns the fault that fires on this call, if any.
func (l *faultList) pick(region, action string) (Fault, bool) {
	if l.n.Load() == 0 {
		return Fault{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.entries {
		if (e.region != "" && e.region != region) || (e.fault.Action != "" && e.fault.Action != action) {
			continue
		}
		if e.fault.Times > 0 && e.fired >= e.fault.Times {
			continue
		}
		e.matched++
		if e.fault.Every > 1 && e.matched%e.fault.Every != 0 {
			continue
		}
		e.fired++
		return e.fault, true
	}
	return Fault{}, false
}
