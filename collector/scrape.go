package collector

import (
	"bufio"
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// scrape is one Result on its way out, as a prometheus.Collector and as
// text. Collect sweeps (under ctx) unless res is already set, and emits the
// instance families (Exporter.families) only when instances is true;
// writeInstances writes those same families as text.
type scrape struct {
	e         *Exporter
	ctx       context.Context
	res       *Result
	instances bool
}

var _ prometheus.Collector = (*scrape)(nil)

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	if s.instances {
		for _, f := range s.e.families {
			ch <- f.desc
		}
	}
	d := s.e.descs
	ch <- d.up
	ch <- d.duration
	ch <- d.lastSuccess
	if s.e.health != nil || len(s.e.listers) > 0 {
		ch <- d.collectorUp
		ch <- d.collectorLastSuccess
	}
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	res := s.res
	if res == nil {
		res = s.e.Sweep(s.ctx)
	}
	for _, r := range res.Regions {
		s.collectHealth(ch, &r)
	}
	if s.instances {
		for _, f := range s.e.families {
			f.collect(ch, res)
		}
	}
}

// collectHealth sends the health of region r: the region's sweep, and
// each optional collector that is on.
func (s *scrape) collectHealth(ch chan<- prometheus.Metric, r *RegionResult) {
	d := s.e.descs
	ch <- prometheus.MustNewConstMetric(d.up, prometheus.GaugeValue, up(r.Err), r.Region)
	ch <- prometheus.MustNewConstMetric(d.duration, prometheus.GaugeValue, r.Duration.Seconds(), r.Region)
	if !r.LastSuccess.IsZero() {
		ch <- prometheus.MustNewConstMetric(d.lastSuccess, prometheus.GaugeValue, unixSeconds(r.LastSuccess), r.Region)
	}
	for _, c := range r.Collectors {
		ch <- prometheus.MustNewConstMetric(d.collectorUp, prometheus.GaugeValue, up(c.Err), c.Name, r.Region)
		if !c.LastSuccess.IsZero() {
			ch <- prometheus.MustNewConstMetric(d.collectorLastSuccess, prometheus.GaugeValue, unixSeconds(c.LastSuccess), c.Name, r.Region)
		}
	}
}

// up is 1 for no error, else 0.
func up(err error) float64 {
	if err != nil {
		return 0
	}
	return 1
}

// writeInstances writes the instance families of s.res in the text format
// (see family.write) and flushes w.
func (s *scrape) writeInstances(w *bufio.Writer) error {
	for _, f := range s.e.families {
		f.write(w, s.res)
	}
	return w.Flush()
}
