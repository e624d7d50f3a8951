package collector

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// cached is a collector whose data a refresher lists in the background:
// info (infocache.go) and events (eventcache.go).
type cached interface {
	// setRegions starts listing the regions new in regions and stops
	// listing those no longer in it.
	setRegions(regions []string)
	// await waits until the first listing of each of regions has ended,
	// or ctx has.
	await(ctx context.Context, regions []string)
	// fill sets r's data as of now and appends how the collector fared.
	fill(r *RegionResult, now time.Time)
	// families are the collector's instance families.
	families() []family
	// status is what is known of region's listings, for Exporter.Status.
	status(region string) CollectorListing
	// close stops every listing and waits for them.
	close()
}

// refresher keeps one listing per region for a cached collector (info,
// events) and refreshes it in the background, every interval, whether or
// not anyone scrapes: a scrape never waits for a refresh, except for a
// region's first listing, which it awaits within its deadline (await).
// A region's first listing starts as soon as the region is known
// (setRegions), so the first scrape after a start already has it.
//
// A failed refresh is tried again after a tenth of the interval. Meanwhile
// the last good listing is served until it is older than the interval
// plus maxStaleness (with maxStaleness 0, not after the failed refresh).
type refresher[T any] struct {
	name         string // the collector's, for logs and CollectorStatus
	list         func(ctx context.Context, region string) ([]T, error)
	every        time.Duration
	maxStaleness time.Duration
	logger       log.Logger
	book         *statusBook // every listing, for Exporter.Status

	base context.Context // ended by close
	stop context.CancelFunc
	wg   sync.WaitGroup // the regions' refresh loops

	mu      sync.Mutex
	closed  bool
	regions map[string]*listing[T]
}

// listing is one region's cached listing and its refresh loop.
type listing[T any] struct {
	stop       context.CancelFunc // ends the region's refresh loop
	loaded     chan struct{}      // closed when the first attempt has ended
	loadedOnce sync.Once
	items      []T
	good       time.Time // when items were listed; zero before the first success
	err        error     // the last attempt's error
}

// errNotListed is the status of a region whose first listing has not
// ended yet.
var errNotListed = &aliyun.Error{Code: aliyun.CodeTimeout, Err: errors.New("the first listing has not finished")}

func newRefresher[T any](name string, list func(context.Context, string) ([]T, error), every, maxStaleness time.Duration, logger log.Logger) *refresher[T] {
	base, stop := context.WithCancel(context.Background())
	book := newStatusBook()
	return &refresher[T]{
		name: name, list: recorded(book, list, nil), every: every, maxStaleness: maxStaleness, logger: logger,
		book: book, base: base, stop: stop, regions: map[string]*listing[T]{},
	}
}

// status is what the book knows of region's listings.
func (r *refresher[T]) status(region string) CollectorListing {
	return CollectorListing{Name: r.name, ListingStatus: r.book.listing(region)}
}

// setRegions starts the refresh loop of every region new in regions, and
// stops (and forgets) the loops of the regions no longer in it.
func (r *refresher[T]) setRegions(regions []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	want := map[string]bool{}
	for _, region := range regions {
		want[region] = true
		if r.regions[region] != nil {
			continue
		}
		ctx, stop := context.WithCancel(r.base)
		l := &listing[T]{stop: stop, loaded: make(chan struct{}), err: errNotListed}
		r.regions[region] = l
		r.wg.Go(func() { r.run(ctx, region, l) })
	}
	for region, l := range r.regions {
		if !want[region] {
			l.stop()
			delete(r.regions, region)
		}
	}
}

// run lists region every interval (a tenth of it after a failure) until
// ctx ends.
func (r *refresher[T]) run(ctx context.Context, region string, l *listing[T]) {
	defer l.loadedOnce.Do(func() { close(l.loaded) })
	for {
		attempt, cancel := context.WithTimeout(ctx, r.every)
		items, err := r.list(attempt, region)
		cancel()
		if ctx.Err() != nil {
			return
		}
		wait := r.record(region, l, items, err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// record stores one attempt's outcome and returns how long to wait for the
// next.
func (r *refresher[T]) record(region string, l *listing[T], items []T, err error) time.Duration {
	defer l.loadedOnce.Do(func() { close(l.loaded) })
	r.mu.Lock()
	defer r.mu.Unlock()
	l.err = err
	if err != nil {
		level.Warn(r.logger).Log("msg", "refreshing a cached collector failed; keeping the last good listing up to its staleness limit",
			"collector", r.name, "region", region, "code", aliyun.ErrorCode(err), "err", err)
		return r.every / 10
	}
	l.items, l.good = items, time.Now()
	return r.every
}

// await waits until the first listing of each of regions has ended, or
// ctx has.
func (r *refresher[T]) await(ctx context.Context, regions []string) {
	for _, region := range regions {
		r.mu.Lock()
		l := r.regions[region]
		r.mu.Unlock()
		if l == nil {
			continue
		}
		select {
		case <-l.loaded:
		case <-ctx.Done():
			return
		}
	}
}

// get returns region's listing as of now, and how its last attempt fared.
// Past its staleness limit, or before the first success, the listing is
// nil.
func (r *refresher[T]) get(region string, now time.Time) ([]T, CollectorStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.regions[region]
	if l == nil {
		return nil, CollectorStatus{Name: r.name, Err: errNotListed}
	}
	st := CollectorStatus{Name: r.name, Err: l.err, LastSuccess: l.good}
	if l.err != nil && now.Sub(l.good) >= r.every+r.maxStaleness {
		return nil, st
	}
	return l.items, st
}

// close ends every refresh loop and waits for them; none starts after it.
func (r *refresher[T]) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.stop()
	r.wg.Wait()
}
