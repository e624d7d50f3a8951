// Package collector turns sweeps of the ECS API into Prometheus metrics. It
// knows regions, instances and their statuses as plain values; the aliyun
// package does the talking to the API.
package collector

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// Source lists a region's instances; *aliyun.Client is one. An error must
// carry a label-safe code for aliyun.ErrorCode.
type Source interface {
	InstanceStatuses(ctx context.Context, region string, zones []string) ([]aliyun.Instance, error)
}

// Options configures an Exporter. Zero values are safe defaults.
type Options struct {
	// Regions are swept in parallel on every sweep.
	Regions []string
	// Zones restricts a region to the listed zones; a region absent from
	// the map is swept whole.
	Zones map[string][]string
	// CacheTTL, when > 0, serves a sweep younger than this again instead of
	// calling the API.
	CacheTTL time.Duration
	// MaxStaleness, when > 0, lets a failed region re-emit its last
	// complete result if that is younger than this. The region still
	// reports ecs_up 0; ecs_last_success_timestamp_seconds shows the age.
	MaxStaleness time.Duration
	// OnlyCurrent emits only the value-1 series of the status state set.
	OnlyCurrent bool
	// Info enables ecs_instance_info.
	Info InfoOptions
	// Logger receives one line per failed region sweep. Nil discards.
	Logger log.Logger
}

// RegionResult is the outcome of sweeping one region.
type RegionResult struct {
	Region string
	// Instances is the region's fleet: fetched by this sweep when Err is
	// nil, else the last complete result if Stale, else nil.
	Instances []aliyun.Instance
	Err       error
	// Stale is set when Instances come from an earlier sweep.
	Stale bool
	// Duration is how long the region's sweep took.
	Duration time.Duration
	// LastSuccess is when this region last swept completely; zero if never.
	LastSuccess time.Time
}

// Result is one sweep of every configured region.
type Result struct {
	Regions  []RegionResult
	Finished time.Time
}

// goodSweep is a region's last complete result.
type goodSweep struct {
	at        time.Time
	instances []aliyun.Instance
}

// sweepCall is a sweep in flight that any number of scrapes wait on.
type sweepCall struct {
	done chan struct{}
	res  *Result
}

// Sweep returns a result for every configured region. Concurrent callers
// share one sweep in flight; with a CacheTTL, a young enough result is served
// again. The sweep runs with the deadline of the caller that started it and
// is not cancelled when that caller leaves. If ctx ends before the shared
// sweep does, the caller gets every region failed with code "timeout".
func (e *Exporter) Sweep(ctx context.Context) *Result {
	e.mu.Lock()
	if last := e.last; last != nil && e.opts.CacheTTL > 0 && time.Since(last.Finished) < e.opts.CacheTTL {
		e.mu.Unlock()
		return last
	}
	call := e.inflight
	if call == nil {
		call = &sweepCall{done: make(chan struct{})}
		e.inflight = call
		sctx, cancel := e.sweepContext(ctx)
		go func() {
			defer cancel()
			res := e.sweep(sctx)
			e.mu.Lock()
			e.last, e.inflight = res, nil
			e.mu.Unlock()
			call.res = res
			close(call.done)
		}()
	}
	e.mu.Unlock()

	e.waiters.Add(1)
	defer e.waiters.Add(-1)
	select {
	case <-call.done:
		return call.res
	case <-ctx.Done():
		return e.abandoned(ctx.Err())
	}
}

// SetRegions replaces the regions swept from the next sweep on, for
// regions discovered at run time. Zones are kept for regions that stay.
func (e *Exporter) SetRegions(regions []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.regions = slices.Clone(regions)
}

// Regions returns the regions swept.
func (e *Exporter) Regions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.regions)
}

// sweepContext detaches the sweep from its caller's cancellation, ends it
// when the Exporter is closed, and gives it a deadline a little before the
// caller's: a region still running at the deadline fails with "timeout",
// and the caller still gets the healthy regions instead of giving up on the
// whole sweep.
func (e *Exporter) sweepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(e.base)
	}
	margin := min(250*time.Millisecond, time.Until(dl)/10)
	return context.WithDeadline(e.base, dl.Add(-margin))
}

func (e *Exporter) abandoned(err error) *Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := &Result{Regions: make([]RegionResult, len(e.regions)), Finished: time.Now()}
	for i, r := range e.regions {
		res.Regions[i] = RegionResult{Region: r, Err: &aliyun.Error{Code: aliyun.CodeTimeout, Err: err}}
		e.fillFromLastGood(&res.Regions[i], res.Finished)
	}
	return res
}

// fillFromLastGood sets LastSuccess and, for a failed region within
// MaxStaleness, the last complete fleet. e.mu must be held.
func (e *Exporter) fillFromLastGood(r *RegionResult, now time.Time) {
	good, ok := e.lastGood[r.Region]
	if !ok {
		return
	}
	r.LastSuccess = good.at
	if r.Err != nil && e.opts.MaxStaleness > 0 && now.Sub(good.at) < e.opts.MaxStaleness {
		r.Instances, r.Stale = good.instances, true
	}
}

func (e *Exporter) sweep(ctx context.Context) *Result {
	e.mu.Lock()
	regions := e.regions
	e.mu.Unlock()
	res := &Result{Regions: make([]RegionResult, len(regions))}
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Go(func() {
			start := time.Now()
			insts, err := e.source.InstanceStatuses(ctx, region, e.opts.Zones[region])
			res.Regions[i] = RegionResult{Region: region, Instances: insts, Err: err, Duration: time.Since(start)}
		})
	}
	wg.Wait()
	res.Finished = time.Now()

	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range res.Regions {
		r := &res.Regions[i]
		if r.Err == nil {
			e.lastGood[r.Region] = goodSweep{at: res.Finished, instances: r.Instances}
		} else {
			r.Instances = nil
			code := aliyun.ErrorCode(r.Err)
			e.scrapeErrors.WithLabelValues(r.Region, code).Inc()
			level.Warn(e.logger).Log("msg", "region sweep failed", "region", r.Region, "code", code, "duration", r.Duration, "err", r.Err)
		}
		e.fillFromLastGood(r, res.Finished)
	}
	return res
}
