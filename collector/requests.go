package collector

import (
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"

	"github.com/prometheus/client_golang/prometheus"
)

// RequestMetrics counts and times every ECS API request of every account.
// It is a prometheus.Collector; ForAccount gives each account's client the
// aliyun.Observer that counts under its name.
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
			Help: "ECS API requests made, retries included, by account (default: the --aliyun.region account; else the /probe account), action, region and result code (OK on success).",
		}, apiRequestLabels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    apiDurationName,
			Help:    "Duration of single ECS API requests; each retry is observed on its own.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, apiDurationLabels),
	}
}

// ForAccount returns the Observer for the named account's client: its
// requests are counted with account="name".
func (m *RequestMetrics) ForAccount(name string) aliyun.Observer {
	return accountRequests{m: m, account: name}
}

// accountRequests is one account's view of RequestMetrics.
type accountRequests struct {
	m       *RequestMetrics
	account string
}

// ObserveRequest implements aliyun.Observer.
func (a accountRequests) ObserveRequest(action, region, code string, d time.Duration) {
	a.m.requests.WithLabelValues(a.account, action, region, code).Inc()
	a.m.duration.WithLabelValues(action).Observe(d.Seconds())
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
