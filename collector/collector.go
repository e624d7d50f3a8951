package collector

import (
	"context"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
)

// KnownStatuses are the ECS instance statuses of the state set, in the order
// they are emitted.
var KnownStatuses = []string{"Pending", "Starting", "Running", "Stopping", "Stopped"}

type descs struct {
	status, up, duration, lastSuccess *prometheus.Desc
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

// ScrapeCollector returns a prometheus.Collector for one scrape: its Collect runs
// (or joins, or reuses) a sweep bounded by ctx and emits the result.
func (e *Exporter) ScrapeCollector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx}
}

type scrape struct {
	e   *Exporter
	ctx context.Context
}

var _ prometheus.Collector = (*scrape)(nil)

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	d := s.e.descs
	ch <- d.status
	ch <- d.up
	ch <- d.duration
	ch <- d.lastSuccess
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	res := s.e.Sweep(s.ctx)
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
		for _, in := range r.Instances {
			s.emitStatus(ch, r.Region, in.ID, in.Status)
		}
	}
}

// emitStatus sends one instance's state set. A status outside KnownStatuses
// gets a series of its own, after the known ones.
func (s *scrape) emitStatus(ch chan<- prometheus.Metric, region, id, status string) {
	d := s.e.descs.status
	known := false
	for _, k := range KnownStatuses {
		v := 0.0
		if k == status {
			v, known = 1, true
		} else if s.e.opts.OnlyCurrent {
			continue
		}
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, id, region, k)
	}
	if known {
		return
	}
	if _, seen := s.e.warnedStatus.LoadOrStore(status, true); !seen {
		level.Warn(s.e.logger).Log("msg", "instance status outside the known state set; emitting it as its own series",
			"status", status, "instance_id", id, "region", region)
	}
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, 1, id, region, status)
}
