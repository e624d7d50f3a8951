package collector

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
)

// Exporter is the long-lived half of the exporter: it runs and shares
// sweeps and remembers each region's last success. As a prometheus.Collector
// it exposes the counter that outlives a scrape, ecs_scrape_errors_total;
// per-scrape metrics come from Exporter.ScrapeCollector.
type Exporter struct {
	source Source
	opts   Options
	logger log.Logger
	base   context.Context
	stop   context.CancelFunc

	mu       sync.Mutex
	regions  []string
	inflight *sweepCall
	last     *Result
	lastGood map[string]goodSweep

	waiters      atomic.Int64 // scrapes waiting on a sweep
	warnedStatus sync.Map     // unknown status values already logged

	descs        descs
	info         *infoCache // nil when the info metric is off
	scrapeErrors *prometheus.CounterVec
}

var _ prometheus.Collector = (*Exporter)(nil)

// New returns an Exporter that sweeps source.
func New(source Source, opts Options) *Exporter {
	logger := opts.Logger
	if logger == nil {
		logger = log.NewNopLogger()
	}
	base, stop := context.WithCancel(context.Background())
	return &Exporter{
		source:   source,
		opts:     opts,
		logger:   logger,
		base:     base,
		stop:     stop,
		regions:  slices.Clone(opts.Regions),
		lastGood: make(map[string]goodSweep, len(opts.Regions)),
		descs:    newDescs(opts.CacheTTL, opts.MaxStaleness),
		info:     newInfoCache(opts.Info),
		scrapeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecs_scrape_errors_total",
			Help: "Region sweeps that failed, by the error code that ended them: the Alibaba Cloud error Code, or timeout, network, decode, credentials.",
		}, []string{"region", "code"}),
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
	if e.info != nil {
		e.info.wg.Wait()
	}
}
