package collector

import (
	"bufio"
	"context"
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

// Exporter is the long-lived half of the exporter: it runs and shares
// sweeps and remembers each region's last success. As a prometheus.Collector
// it exposes the counter that outlives a scrape, ecs_scrape_errors_total;
// per-scrape metrics come from ScrapeCollector, or from HealthCollector and
// WriteInstanceFamilies.
type Exporter struct {
	source Source
	opts   Options
	logger log.Logger
	base   context.Context // ended by Close; every sweep runs under it
	stop   context.CancelFunc

	mu      sync.Mutex
	regions []string

	cache        *sweepCache
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
	base, stop := context.WithCancel(context.Background())
	return &Exporter{
		source:       source,
		opts:         opts,
		logger:       logger,
		base:         base,
		stop:         stop,
		regions:      slices.Clone(opts.Regions),
		cache:        newSweepCache(opts.CacheTTL, opts.MaxStaleness),
		states:       &stateSets{onlyCurrent: opts.OnlyCurrent, logger: logger},
		info:         newInfoCache(opts.Info, opts.Zones, logger),
		descs:        newDescs(opts.CacheTTL, opts.MaxStaleness),
		scrapeErrors: newScrapeErrors(),
	}
}

// Describe implements prometheus.Collector.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) { e.scrapeErrors.Describe(ch) }

// Collect implements prometheus.Collector.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) { e.scrapeErrors.Collect(ch) }

// Close cancels any sweep or info refresh in flight and waits for the
// refreshes to end.
func (e *Exporter) Close() {
	e.stop()
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

// Sweep returns a result for every configured region. Concurrent callers
// share one sweep in flight; with a CacheTTL, a young enough result is served
// again. The sweep runs with the deadline of the caller that started it and
// is not cancelled when that caller leaves. If ctx ends before the shared
// sweep does, the caller gets every region failed with code "timeout".
func (e *Exporter) Sweep(ctx context.Context) *Result {
	cached, call := e.cache.join(func() *Result {
		sctx, cancel := e.sweepContext(ctx)
		defer cancel()
		return e.sweep(sctx)
	})
	if cached != nil {
		return cached
	}
	if res, ok := e.cache.wait(ctx.Done(), call); ok {
		return res
	}
	return e.abandoned(ctx.Err())
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

// abandoned is the result of a caller that gave up waiting: every region
// failed with "timeout", with what the cache remembers of it.
func (e *Exporter) abandoned(err error) *Result {
	regions := e.Regions()
	res := &Result{Regions: make([]RegionResult, len(regions)), Finished: time.Now()}
	for i, r := range regions {
		res.Regions[i] = RegionResult{Region: r, Err: &aliyun.Error{Code: aliyun.CodeTimeout, Err: err}}
		e.cache.fill(&res.Regions[i], res.Finished)
	}
	return res
}

// sweep lists every region in parallel, counts and logs the failures, and
// has the cache record the result.
func (e *Exporter) sweep(ctx context.Context) *Result {
	regions := e.Regions()
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
	for _, r := range res.Regions {
		if r.Err != nil {
			code := aliyun.ErrorCode(r.Err)
			e.scrapeErrors.WithLabelValues(r.Region, code).Inc()
			level.Warn(e.logger).Log("msg", "region sweep failed", "region", r.Region, "code", code, "duration", r.Duration, "err", r.Err)
		}
	}
	e.cache.record(res)
	return res
}
