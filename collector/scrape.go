package collector

import (
	"bufio"
	"context"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/exposition"
	"github.com/prometheus/client_golang/prometheus"
)

// scrape is one Result on its way out, as a prometheus.Collector and as
// text. Collect sweeps (under ctx) unless res is already set, and emits the
// instance families (ecs_instance_status, ecs_instance_info) only when
// instances is true; writeInstances writes those same families as text.
type scrape struct {
	e         *Exporter
	ctx       context.Context
	res       *Result
	instances bool
}

var _ prometheus.Collector = (*scrape)(nil)

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	d := s.e.descs
	if s.instances {
		ch <- d.status
	}
	ch <- d.up
	ch <- d.duration
	ch <- d.lastSuccess
	if s.instances {
		s.e.info.describe(ch)
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
		if !s.instances {
			continue
		}
		for _, in := range r.Instances {
			s.e.states.each(r.Region, in, func(status string, v float64) {
				ch <- prometheus.MustNewConstMetric(d.status, prometheus.GaugeValue, v, in.ID, r.Region, status)
			})
		}
	}
	if s.instances {
		s.e.info.collect(ch, res)
	}
}

// writeInstances writes the instance families of s.res in the text format
// and flushes w.
//
// client_golang builds a Metric, then a protobuf, for every series before
// encoding it; at 100,000 instances that is 500,000 of each per scrape and
// seconds of CPU. The state sets are the bulk of every scrape and have one
// fixed shape, so they are written straight to the response: a handful of
// appends per series and no allocation per instance.
func (s *scrape) writeInstances(w *bufio.Writer) error {
	f := exposition.NewFamily(statusName, statusLabels...)
	f.WriteHeader(w, s.e.descs.statusHelp, "gauge")
	for _, r := range s.res.Regions {
		for _, in := range r.Instances {
			s.e.states.each(r.Region, in, func(status string, v float64) {
				f.WriteSeries(w, v, in.ID, r.Region, status)
			})
		}
	}
	s.e.info.write(w, s.res)
	return w.Flush()
}
