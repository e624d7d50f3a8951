package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RequestMetrics counts and times every ECS API request. It implements
// aliyun.Observer and prometheus.Collector.
type RequestMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

var _ prometheus.Collector = (*RequestMetrics)(nil)

// NewRequestMetrics returns empty request metrics.
func NewRequestMetrics() *RequestMetrics {
	return &RequestMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: apiRequestsName,
			Help: "ECS API requests made, retries included, by action, region and result code (OK on success).",
		}, apiRequestLabels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    apiDurationName,
			Help:    "Duration of single ECS API requests; each retry is observed on its own.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, apiDurationLabels),
	}
}

// ObserveRequest implements aliyun.Observer.
func (m *RequestMetrics) ObserveRequest(action, region, code string, d time.Duration) {
	m.requests.WithLabelValues(action, region, code).Inc()
	m.duration.WithLabelValues(action).Observe(d.Seconds())
}

// Describe implements prometheus.Collector.
func (m *RequestMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.requests.Describe(ch)
	m.duration.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *RequestMetrics) Collect(ch chan<- prometheus.Metric) {
	m.requests.Collect(ch)
	m.duration.Collect(ch)
}
