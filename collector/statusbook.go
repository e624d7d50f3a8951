package collector

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// recentFetches is how many finished fetches a region's record keeps.
const recentFetches = 8

// statusBook records each region's listings as a status page shows them:
// the listing running, the last ones finished, the last success and the
// last failure. The Exporter keeps one for its DescribeInstanceStatus
// fetches and one for its health fetches, and each cached collector's
// refresher one for its listings (recorded wraps the listing function). It
// only records; serving metrics never reads it.
type statusBook struct {
	mu      sync.Mutex
	regions map[string]*regionRecord
}

// regionRecord is one region's page of the book.
type regionRecord struct {
	running     int       // listings in flight
	since       time.Time // when the latest of them began
	recent      []Fetch   // newest first, at most recentFetches
	lastSuccess time.Time
	served      int            // instances of the last complete listing
	byStatus    map[string]int // the same, by status; nil for the info cache
	lastErr     *Failure
}

func newStatusBook() *statusBook { return &statusBook{regions: map[string]*regionRecord{}} }

// fetchTally is one listing in flight: the aliyun.Observer of its context,
// counting its API attempts.
type fetchTally struct {
	region                 string
	start                  time.Time
	calls, pages, throttle atomic.Int64
}

var _ aliyun.Observer = (*fetchTally)(nil)

// ObserveRequest implements aliyun.Observer: every attempt is a call, a
// success is a page, and a Throttling* answer a throttled call.
func (t *fetchTally) ObserveRequest(_, _, code string, _ time.Duration) {
	t.calls.Add(1)
	switch {
	case code == "OK":
		t.pages.Add(1)
	case strings.HasPrefix(code, "Throttling"):
		t.throttle.Add(1)
	}
}

// start records that a listing of region began; pass what it returns to
// finish, and as the Observer of the listing's context.
func (b *statusBook) start(region string) *fetchTally {
	t := &fetchTally{region: region, start: time.Now()}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.record(region)
	r.running++
	r.since = t.start
	return t
}

// finish records the end of t's listing: n instances (byStatus, if the
// listing has statuses), or err.
func (b *statusBook) finish(t *fetchTally, n int, byStatus map[string]int, err error) {
	f := Fetch{
		Started: t.start, Finished: time.Now(), Instances: n,
		Calls: int(t.calls.Load()), Pages: int(t.pages.Load()), Throttled: int(t.throttle.Load()),
	}
	if err != nil {
		f.Instances = 0
		f.Err = &Failure{At: f.Finished, Code: aliyun.ErrorCode(err), Message: aliyun.ErrorMessage(err)}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.record(t.region)
	r.running--
	r.recent = append([]Fetch{f}, r.recent[:min(len(r.recent), recentFetches-1)]...)
	if err != nil {
		r.lastErr = f.Err
		return
	}
	r.lastSuccess, r.served, r.byStatus = f.Finished, n, byStatus
}

// record is region's record, made on first use. b.mu is held.
func (b *statusBook) record(region string) *regionRecord {
	r, ok := b.regions[region]
	if !ok {
		r = &regionRecord{}
		b.regions[region] = r
	}
	return r
}

// listing is what the book knows of region's listings; ByStatus is a
// copy.
func (b *statusBook) listing(region string) ListingStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.regions[region]
	if !ok {
		return ListingStatus{}
	}
	s := ListingStatus{
		Recent: append([]Fetch(nil), r.recent...), LastSuccess: r.lastSuccess,
		LastError: r.lastErr, Instances: r.served,
	}
	if r.running > 0 {
		s.Running = r.since
	}
	if r.byStatus != nil {
		s.ByStatus = make(map[string]int, len(r.byStatus))
		for k, v := range r.byStatus {
			s.ByStatus[k] = v
		}
	}
	return s
}

// recorded wraps a region listing so that book records each call: when,
// how long, its API calls, pages and throttled calls (the listing's
// context carries the book's aliyun.Observer), how many items, and the
// error. byStatus, if not nil, also counts a complete listing by status.
func recorded[T any](book *statusBook, list func(context.Context, string) ([]T, error), byStatus func([]T) map[string]int) func(context.Context, string) ([]T, error) {
	return func(ctx context.Context, region string) ([]T, error) {
		t := book.start(region)
		items, err := list(aliyun.WithObserver(ctx, t), region)
		var by map[string]int
		if err == nil && byStatus != nil {
			by = byStatus(items)
		}
		book.finish(t, len(items), by, err)
		return items, err
	}
}

// countByStatus counts instances by status.
func countByStatus(insts []aliyun.Instance) map[string]int {
	by := map[string]int{}
	for _, in := range insts {
		by[in.Status]++
	}
	return by
}
