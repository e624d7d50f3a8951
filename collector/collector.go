package collector

import (
	"context"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
)

// KnownStatuses are the ECS instance statuses of the state set, in the order
// they are emitted.
var KnownStatuses = []string{"Pending", "Starting", "Running", "Stopping", "Stopped"}

type descs struct {
	status, up, duration, lastSuccess *prometheus.Desc
	statusHelp                        string
}

func newDescs(cacheTTL, maxStaleness time.Duration) descs {
	statusHelp := "ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped)."
	if cacheTTL > 0 {
		statusHelp += " Served from a cached sweep up to " + cacheTTL.String() + " old (--collector.cache-ttl)."
	}
	if maxStaleness > 0 {
		statusHelp += " When a region's sweep fails (ecs_up 0), its last complete result up to " + maxStaleness.String() + " old is served again (--collector.max-staleness)."
	}
	return descs{
		statusHelp: statusHelp,
		status: prometheus.NewDesc("ecs_instance_status", statusHelp,
			[]string{"instance_id", "region", "status"}, nil),
		up: prometheus.NewDesc("ecs_up",
			"1 if the region's sweep for this scrape fetched every page, else 0.",
			[]string{"region"}, nil),
		duration: prometheus.NewDesc("ecs_scrape_duration_seconds",
			"How long the region's sweep for this scrape took.",
			[]string{"region"}, nil),
		lastSuccess: prometheus.NewDesc("ecs_last_success_timestamp_seconds",
			"Unix time of the region's last complete sweep; absent until the first one.",
			[]string{"region"}, nil),
	}
}

// ScrapeCollector returns a prometheus.Collector for one scrape: its Collect
// runs (or joins, or reuses) a sweep bounded by ctx and emits every metric
// of the result. Handler serves the same series but writes the
// ecs_instance_status family directly, which is far cheaper for big fleets.
func (e *Exporter) ScrapeCollector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx, status: true}
}

// scrape is the per-scrape collector. It sweeps on Collect unless res is
// already set, and emits the state sets only when status is true.
type scrape struct {
	e      *Exporter
	ctx    context.Context
	res    *Result
	status bool
}

var _ prometheus.Collector = (*scrape)(nil)

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	d := s.e.descs
	if s.status {
		ch <- d.status
	}
	ch <- d.up
	ch <- d.duration
	ch <- d.lastSuccess
	if s.status && s.e.info != nil {
		ch <- s.e.info.desc
	}
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	res := s.res
	if res == nil {
		res = s.e.Sweep(s.ctx)
	}
	d := s.e.descs
	for _, r := range res.Regions {
		up := 0.0
		if r.Err == nil {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(d.up, prometheus.GaugeValue, up, r.Region)
		ch <- prometheus.MustNewConstMetric(d.duration, prometheus.GaugeValue, r.Duration.Seconds(), r.Region)
		if !r.LastSuccess.IsZero() {
			ch <- prometheus.MustNewConstMetric(d.lastSuccess, prometheus.GaugeValue,
				float64(r.LastSuccess.UnixNano())/1e9, r.Region)
		}
		if !s.status {
			continue
		}
		for _, in := range r.Instances {
			s.e.stateSet(r.Region, in, func(status string, v float64) {
				ch <- prometheus.MustNewConstMetric(d.status, prometheus.GaugeValue, v, in.ID, r.Region, status)
			})
		}
	}
	if s.status && s.e.info != nil {
		s.e.collectInfo(ch, res)
	}
}

// stateSet calls emit for each series of one instance's state set: the
// known statuses in order (only the current one with OnlyCurrent), then an
// unknown current status as a series of its own, warned about once.
func (e *Exporter) stateSet(region string, in aliyun.Instance, emit func(status string, v float64)) {
	known := false
	for _, k := range KnownStatuses {
		switch {
		case k == in.Status:
			known = true
			emit(k, 1)
		case !e.opts.OnlyCurrent:
			emit(k, 0)
		}
	}
	if known {
		return
	}
	if _, seen := e.warnedStatus.LoadOrStore(in.Status, true); !seen {
		level.Warn(e.logger).Log("msg", "instance status outside the known state set; emitting it as its own series",
			"status", in.Status, "instance_id", in.ID, "region", region)
	}
	emit(in.Status, 1)
}
