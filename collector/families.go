package collector

import (
	"bufio"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/exposition"
	"github.com/prometheus/client_golang/prometheus"
)

// family is one per-instance metric family: ecs_instance_status, the
// health state set, the event timestamps, ecs_instance_info, expiry and
// locks. Its series come out of a Result through one function, series,
// which both ways out share: collect (client_golang) and write (the fast
// text writer), so the two cannot disagree on which series there are.
type family struct {
	name, help string
	labels     []string
	desc       *prometheus.Desc
	// series calls emit with each series of the family in r: its value
	// and its label values, in the order of labels, appended to
	// values[:0] (scratch space, reused from one call to the next).
	series func(r *RegionResult, values []string, emit func(v float64, values []string))
}

// newFamily returns the gauge family name.
func newFamily(name, help string, labels []string, series func(*RegionResult, []string, func(float64, []string))) family {
	return family{name: name, help: help, labels: labels, desc: prometheus.NewDesc(name, help, labels, nil), series: series}
}

// collect sends the family's series in res as const metrics.
func (f *family) collect(ch chan<- prometheus.Metric, res *Result) {
	emit := func(v float64, values []string) {
		ch <- prometheus.MustNewConstMetric(f.desc, prometheus.GaugeValue, v, values...)
	}
	values := make([]string, 0, len(f.labels))
	for i := range res.Regions {
		f.series(&res.Regions[i], values, emit)
	}
}

// write writes the family's series in res in the text format.
//
// client_golang builds a Metric, then a protobuf, for every series before
// encoding it; at 100,000 instances that is 500,000 of each per scrape for
// the status state set alone, and seconds of CPU. The instance families
// are the bulk of every scrape and each has one fixed shape, so they are
// written straight to the response: a handful of appends per series and
// no allocation per instance.
func (f *family) write(w *bufio.Writer, res *Result) {
	out := exposition.NewFamily(f.name, f.labels...)
	out.WriteHeader(w, f.help, "gauge")
	emit := func(v float64, values []string) { out.WriteSeries(w, v, values...) }
	values := make([]string, 0, len(f.labels))
	for i := range res.Regions {
		f.series(&res.Regions[i], values, emit)
	}
}

// instanceFamilies are e's families in the order they are written: the
// status state set, then those of the optional collectors that are on.
func (e *Exporter) instanceFamilies() []family {
	fs := []family{newFamily(statusName, statusHelp(e.opts.CacheTTL, e.opts.MaxStaleness), statusLabels, e.statusSeries)}
	if e.health != nil {
		fs = append(fs, newFamily(healthName, healthHelp(e.opts.CacheTTL, e.opts.MaxStaleness), healthLabels, e.healthSeries))
	}
	for _, l := range e.listers {
		fs = append(fs, l.families()...)
	}
	return fs
}

// statusSeries are the status state sets of r's instances.
func (e *Exporter) statusSeries(r *RegionResult, values []string, emit func(float64, []string)) {
	for _, in := range r.Instances {
		e.states.each(r.Region, in.ID, in.Status, func(status string, v float64) {
			emit(v, append(values[:0], in.ID, r.Region, status))
		})
	}
}

// healthSeries are the health state sets of r's instances.
func (e *Exporter) healthSeries(r *RegionResult, values []string, emit func(float64, []string)) {
	for _, h := range r.Health {
		e.healthStates.each(r.Region, h.ID, h.Health, func(health string, v float64) {
			emit(v, append(values[:0], h.ID, r.Region, health))
		})
	}
}
