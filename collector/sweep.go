package collector

import (
	"context"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log/level"
)

// Sweep returns a result for every configured region, each region's the
// way it stands when ctx's deadline comes.
//
// A region's fetch is shared: a scrape wanting a region that is being
// fetched joins that fetch, which then runs until the latest deadline of
// its joiners. Each scrape takes every region that finishes within its own
// deadline; a region still running then fails for that scrape alone with
// code "timeout", counted in ecs_scrape_errors_total, and Duration the time
// the scrape waited. A region's complete result is served again while
// younger than CacheTTL; a failed one is shared only with the scrapes that
// joined its fetch, and one cut short by a deadline only with the scrapes
// still waiting for it.
//
// With Options.Health, each region's health is fetched the same way,
// beside its statuses and under the same deadline, but on its own: it
// never changes a region's Err. The cached collectors (events, info) are
// not fetched: Sweep takes their last listing, waiting (within ctx) only
// for a region's first one.
func (e *Exporter) Sweep(ctx context.Context) *Result {
	start := time.Now()
	regions := e.Regions()
	deadline, bounded := ctx.Deadline()
	statuses := make([]joined[[]aliyun.Instance], len(regions))
	var health []joined[[]aliyun.InstanceHealth]
	if e.health != nil {
		health = make([]joined[[]aliyun.InstanceHealth], len(regions))
	}
	for i, region := range regions {
		statuses[i] = e.cache.join(region, deadline, bounded)
		if health != nil {
			health[i] = e.health.join(region, deadline, bounded)
		}
	}
	e.cache.waiters.Add(1)
	for i := range statuses {
		e.cache.await(ctx, &statuses[i], start)
	}
	for i := range health {
		e.health.await(ctx, &health[i], start)
	}
	for _, l := range e.listers {
		l.await(ctx, regions)
	}
	e.cache.waiters.Add(-1)
	return e.result(regions, statuses, health, bounded)
}

// result settles a sweep's holds on its regions and puts the Result
// together.
func (e *Exporter) result(regions []string, statuses []joined[[]aliyun.Instance], health []joined[[]aliyun.InstanceHealth], bounded bool) *Result {
	now := time.Now()
	res := &Result{Regions: make([]RegionResult, len(regions))}
	if len(regions) == 0 {
		res.Finished = now
	}
	for i, region := range regions {
		s := &statuses[i]
		e.cache.settle(s, bounded, now)
		if s.end.After(res.Finished) {
			res.Finished = s.end
		}
		r := &res.Regions[i]
		*r = RegionResult{Region: region, Instances: s.out.value, Err: s.out.err, Stale: s.out.stale,
			Duration: s.out.duration, LastSuccess: s.out.lastSuccess}
		if health != nil {
			h := &health[i]
			e.health.settle(h, bounded, now)
			r.Health = h.out.value
			r.Collectors = append(r.Collectors, CollectorStatus{Name: collectorHealth, Err: h.out.err, LastSuccess: h.out.lastSuccess})
		}
		for _, l := range e.listers {
			l.fill(r, now)
		}
	}
	return res
}

// fetch lists one region's instances.
func (e *Exporter) fetch(ctx context.Context, region string) ([]aliyun.Instance, error) {
	return e.source.InstanceStatuses(ctx, region, e.opts.Zones[region])
}

// failed counts and logs a region's failure.
func (e *Exporter) failed(region string, err error, d time.Duration) {
	code := aliyun.ErrorCode(err)
	e.scrapeErrors.WithLabelValues(region, code).Inc()
	level.Warn(e.logger).Log("msg", "region sweep failed", "region", region, "code", code, "duration", d, "err", err)
}
