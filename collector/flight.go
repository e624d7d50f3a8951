package collector

import (
	"context"
	"sync"
	"time"
)

// flight is one region's fetch in flight, of a value T (the region's
// statuses, or its instance health). Every scrape that wants the
// region while it runs joins it instead of calling the API again, and each
// joiner waits for it only until its own deadline.
//
// The fetch runs under a context that can only be cancelled (contexts
// cannot be given a later deadline), and a timer cuts it short at the
// latest deadline among its joiners, less a margin so that what the fetch
// answers when cut still reaches the scrape that waits longest. A longer
// scrape that joins pushes the cut later. A joiner without a deadline holds
// the cut off until it stops waiting.
type flight[T any] struct {
	region string
	start  time.Time
	ctx    context.Context // the fetch's; cancelled when the flight is cut
	cancel context.CancelFunc
	done   chan struct{} // closed once the outcome below is set

	// The outcome, set before done is closed.
	value    T
	err      error
	finished time.Time
	// cut: err is what the fetch said when it was cut short (by the
	// deadline or by Close), not a failure the API gave on its own.
	cut bool

	mu        sync.Mutex
	cutAt     time.Time   // zero while no joiner had a deadline
	unbounded int         // joiners without a deadline still waiting
	timer     *time.Timer // fires at cutAt
	ended     bool        // cut or finished: the flight takes no joiner
}

func newFlight[T any](base context.Context, region string) *flight[T] {
	ctx, cancel := context.WithCancel(base)
	return &flight[T]{region: region, start: time.Now(), ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// join adds a scrape that waits until deadline (or, if !bounded, until it
// leaves) and pushes the cut later if that deadline is the latest. It
// returns false if the flight has been cut or has finished.
func (f *flight[T]) join(deadline time.Time, bounded bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended || f.ctx.Err() != nil {
		return false
	}
	if !bounded {
		f.unbounded++
		return true
	}
	at := deadline.Add(-cutMargin(deadline))
	if !at.After(f.cutAt) {
		return true
	}
	f.cutAt = at
	if f.timer == nil {
		f.timer = time.AfterFunc(time.Until(at), f.onTimer)
	} else {
		f.timer.Reset(time.Until(at))
	}
	return true
}

// cutMargin is how long before a scrape's deadline the fetch is cut for
// it: a tenth of the time left, at most 250ms.
func cutMargin(deadline time.Time) time.Duration {
	return max(0, min(250*time.Millisecond, time.Until(deadline)/10))
}

// onTimer cuts the flight if its (possibly pushed) cut time has come and no
// joiner without a deadline waits.
func (f *flight[T]) onTimer() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return
	}
	if f.unbounded == 0 && !time.Now().Before(f.cutAt) {
		f.endLocked()
	}
}

// leave is called by a joiner without a deadline when it stops waiting.
// The last one to leave cuts the flight if no deadline holds it longer.
func (f *flight[T]) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unbounded--
	if f.unbounded == 0 && !f.ended && !time.Now().Before(f.cutAt) {
		f.endLocked()
	}
}

// endLocked takes no joiner any more and cancels the fetch. f.mu is held.
func (f *flight[T]) endLocked() {
	f.ended = true
	if f.timer != nil {
		f.timer.Stop()
	}
	f.cancel()
}

// run fetches the region, sets the outcome and ends the flight. record is
// called with the outcome before any joiner sees it.
func (f *flight[T]) run(fetch func(ctx context.Context, region string) (T, error), record func(*flight[T])) {
	value, err := fetch(f.ctx, f.region)
	f.mu.Lock()
	f.value, f.err, f.finished = value, err, time.Now()
	f.cut = err != nil && f.ctx.Err() != nil
	f.endLocked()
	f.mu.Unlock()
	record(f)
	close(f.done)
}

// outcome is the flight's outcome; call it after done is closed.
func (f *flight[T]) outcome() outcome[T] {
	return outcome[T]{value: f.value, err: f.err, duration: f.finished.Sub(f.start)}
}
