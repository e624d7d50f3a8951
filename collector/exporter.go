package collector

import (
	"bufio"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configures an Exporter. Zero values are safe defaults.
type Options struct {
	// Regions are swept in parallel on every sweep.
	Regions []string
	// Zones restricts a region to the listed zones; a region absent from
	// the map is swept whole.
	Zones map[string][]string
	// CacheTTL, when > 0, serves a region's complete result younger than
	// this again instead of calling the API. A region that failed or did
	// not finish in time is fetched again by the next scrape.
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

// Exporter is the long-lived half of the exporter: it runs and shares
// region fetches and remembers each region's last success. As a prometheus.Collector
// it exposes the counter that outlives a scrape, ecs_scrape_errors_total;
// per-scrape metrics come from ScrapeCollector, or from HealthCollector and
// WriteInstanceFamilies.
type Exporter struct {
	source Source
	opts   Options
	logger log.Logger

	mu      sync.Mutex
	regions []string

	cache        *sweepCache
	book         *statusBook // each region's fetches, for Status
	states       *stateSets
	info         *infoCache // nil when the info metric is off
	descs        descs
	scrapeErrors *prometheus.CounterVec
}

var _ prometheus.Collector = (*Exporter)(nil)

// New returns an Exporter that sweeps source. It panics if opts.Info.Tags
// fail TagLabels.
func New(source Source, opts Options) *Exporter {
	logger := opts.Logger
	if logger == nil {
		logger = log.NewNopLogger()
	}
	e := &Exporter{
		source:       source,
		opts:         opts,
		logger:       logger,
		regions:      slices.Clone(opts.Regions),
		book:         newStatusBook(),
		states:       &stateSets{onlyCurrent: opts.OnlyCurrent, logger: logger},
		info:         newInfoCache(opts.Info, opts.Zones, logger),
		descs:        newDescs(opts.CacheTTL, opts.MaxStaleness),
		scrapeErrors: newScrapeErrors(),
	}
	e.cache = newSweepCache(opts.CacheTTL, opts.MaxStaleness, e.fetch, e.failed)
	return e
}

// Describe implements prometheus.Collector.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) { e.scrapeErrors.Describe(ch) }

// Collect implements prometheus.Collector.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) { e.scrapeErrors.Collect(ch) }

// Close cuts every region fetch and info refresh in flight and waits for
// them to end. A Sweep after Close fails every region.
func (e *Exporter) Close() {
	e.cache.close()
	e.info.Close()
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

// ScrapeCollector returns a prometheus.Collector for one scrape: its Collect
// runs (or joins, or reuses) a sweep bounded by ctx and emits every metric
// of the result through client_golang.
func (e *Exporter) ScrapeCollector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx, instances: true}
}

// HealthCollector returns a prometheus.Collector for the region health of
// res: ecs_up, ecs_scrape_duration_seconds and
// ecs_last_success_timestamp_seconds. With WriteInstanceFamilies it serves
// the same series as ScrapeCollector.
func (e *Exporter) HealthCollector(res *Result) prometheus.Collector {
	return &scrape{e: e, res: res}
}

// WriteInstanceFamilies writes the instance families of res,
// ecs_instance_status and (when enabled) ecs_instance_info, to w in the
// Prometheus text format, and flushes w. It writes the same series as
// ScrapeCollector, far more cheaply for a big fleet.
func (e *Exporter) WriteInstanceFamilies(w *bufio.Writer, res *Result) error {
	return (&scrape{e: e, res: res}).writeInstances(w)
}

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
func (e *Exporter) Sweep(ctx context.Context) *Result {
	start := time.Now()
	regions := e.Regions()
	deadline, bounded := ctx.Deadline()
	res := &Result{Regions: make([]RegionResult, len(regions))}
	flights := make([]*flight, len(regions))
	for i, region := range regions {
		flights[i], res.Regions[i] = e.cache.join(region, deadline, bounded)
	}
	e.cache.waiters.Add(1)
	ends := make([]time.Time, len(regions))
	for i, f := range flights {
		if f != nil {
			res.Regions[i], ends[i] = e.await(ctx, f, start)
		}
	}
	e.cache.waiters.Add(-1)
	now := time.Now()
	for i, f := range flights {
		if f != nil && !bounded {
			f.leave()
		}
		r := &res.Regions[i]
		e.cache.fill(r, now)
		if ends[i].IsZero() { // not fetched for this scrape
			ends[i] = now
			if r.Err == nil {
				ends[i] = r.LastSuccess
			}
		}
		if ends[i].After(res.Finished) {
			res.Finished = ends[i]
		}
	}
	if len(regions) == 0 {
		res.Finished = now
	}
	return res
}

// await waits for f until ctx ends, and returns its result and when that
// came. A result cut short, and a region not finished in time, are this
// scrape's own failures: it counts them.
func (e *Exporter) await(ctx context.Context, f *flight, start time.Time) (RegionResult, time.Time) {
	select {
	case <-f.done:
	case <-ctx.Done():
		select {
		case <-f.done:
		default:
			r := RegionResult{Region: f.region, Duration: time.Since(start),
				Err: &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				e.failed(r)
			}
			return r, time.Now()
		}
	}
	r := f.result()
	if f.cut {
		e.failed(r)
	}
	return r, f.finished
}

// fetch lists one region's instances, and records the listing in the
// status book.
func (e *Exporter) fetch(ctx context.Context, region string) ([]aliyun.Instance, error) {
	t := e.book.start(region)
	insts, err := e.source.InstanceStatuses(aliyun.WithObserver(ctx, t), region, e.opts.Zones[region])
	e.book.finish(t, len(insts), countByStatus(insts), err)
	return insts, err
}

// failed counts and logs a region's failure.
func (e *Exporter) failed(r RegionResult) {
	code := aliyun.ErrorCode(r.Err)
	e.scrapeErrors.WithLabelValues(r.Region, code).Inc()
	level.Warn(e.logger).Log("msg", "region sweep failed", "region", r.Region, "code", code, "duration", r.Duration, "err", r.Err)
}
