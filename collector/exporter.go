package collector

import (
	"bufio"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
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
	// Health follows the same rule; events and info serve their last good
	// listing up to this long past their refresh interval (with 0, not
	// after a failed refresh).
	MaxStaleness time.Duration
	// OnlyCurrent emits only the value-1 series of the status state set.
	OnlyCurrent bool
	// Health, when not nil, fetches each region's instance health with
	// its statuses, for ecs_instance_health_status: in the same sweep,
	// concurrently, under the same deadline. A failed health fetch sets
	// ecs_collector_up{collector="health"} 0 and never touches ecs_up or
	// the status series.
	Health HealthSource
	// Events enables the system event families.
	Events EventOptions
	// Info enables ecs_instance_info, the subscription expiry and the
	// operation locks.
	Info InfoOptions
	// Logger receives one line per failed region sweep, health fetch or
	// listing. Nil discards.
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

	cache        *sweepCache[[]aliyun.Instance]
	health       *sweepCache[[]aliyun.InstanceHealth] // nil without Options.Health
	listers      []cached                             // events, info: those that are on
	book         *statusBook                          // the status fetches, for Status
	healthBook   *statusBook                          // the health fetches; nil without health
	states       *stateSet
	healthStates *stateSet
	families     []family
	descs        descs
	scrapeErrors *prometheus.CounterVec
}

var _ prometheus.Collector = (*Exporter)(nil)

// New returns an Exporter that sweeps source. The first listings of the
// cached collectors that are on (events, info) start at once, so that the
// first scrape already has them. It panics if opts.Info.Tags fail
// TagLabels.
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
		states:       &stateSet{what: "status", key: "status", known: KnownStatuses, onlyCurrent: opts.OnlyCurrent, logger: logger},
		healthStates: &stateSet{what: "health status", key: "health_status", known: KnownHealthStatuses, foldCase: true, onlyCurrent: opts.OnlyCurrent, logger: logger},
		descs:        newDescs(),
		scrapeErrors: newScrapeErrors(),
	}
	e.cache = newSweepCache(opts.CacheTTL, opts.MaxStaleness, recorded(e.book, e.fetch, countByStatus), e.failed)
	if opts.Health != nil {
		e.healthBook = newStatusBook()
		e.health = newSweepCache(opts.CacheTTL, opts.MaxStaleness, recorded(e.healthBook, e.fetchHealth, nil), e.healthFailed)
	}
	if c := newEventCache(opts.Events, opts.MaxStaleness, logger); c != nil {
		e.listers = append(e.listers, c)
	}
	if c := newInfoCache(opts.Info, opts.Zones, opts.MaxStaleness, logger); c != nil {
		e.listers = append(e.listers, c)
	}
	e.families = e.instanceFamilies()
	for _, l := range e.listers {
		l.setRegions(e.regions)
	}
	return e
}

// Describe implements prometheus.Collector.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) { e.scrapeErrors.Describe(ch) }

// Collect implements prometheus.Collector.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) { e.scrapeErrors.Collect(ch) }

// Close cuts every region fetch and background listing in flight and
// waits for them to end. A Sweep after Close fails every region.
func (e *Exporter) Close() {
	e.cache.close()
	e.health.close()
	for _, l := range e.listers {
		l.close()
	}
}

// SetRegions replaces the regions swept from the next sweep on, for
// regions discovered at run time, and starts the first listings of the
// new regions' cached collectors. Zones are kept for regions that stay.
func (e *Exporter) SetRegions(regions []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.regions = slices.Clone(regions)
	for _, l := range e.listers {
		l.setRegions(e.regions)
	}
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

// HealthCollector returns a prometheus.Collector for the health of res:
// per region ecs_up, ecs_scrape_duration_seconds and
// ecs_last_success_timestamp_seconds, and per optional collector that is on
// ecs_collector_up and ecs_collector_last_success_timestamp_seconds. With
// WriteInstanceFamilies it serves the same series as ScrapeCollector.
func (e *Exporter) HealthCollector(res *Result) prometheus.Collector {
	return &scrape{e: e, res: res}
}

// WriteInstanceFamilies writes the instance families of res to w in the
// Prometheus text format, and flushes w: ecs_instance_status and those of
// the optional collectors that are on (health, events, info, expiry,
// locks). It writes the same series as ScrapeCollector, far more cheaply
// for a big fleet.
func (e *Exporter) WriteInstanceFamilies(w *bufio.Writer, res *Result) error {
	return (&scrape{e: e, res: res}).writeInstances(w)
}
