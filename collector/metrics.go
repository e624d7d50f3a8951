package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// namespace prefixes every metric of the exporter.
const namespace = "ecs"

// Metric names. The Descs and the text writer both use these.
var (
	statusName       = prometheus.BuildFQName(namespace, "instance", "status")
	infoName         = prometheus.BuildFQName(namespace, "instance", "info")
	upName           = prometheus.BuildFQName(namespace, "", "up")
	durationName     = prometheus.BuildFQName(namespace, "scrape", "duration_seconds")
	lastSuccessName  = prometheus.BuildFQName(namespace, "", "last_success_timestamp_seconds")
	scrapeErrorsName = prometheus.BuildFQName(namespace, "scrape", "errors_total")
	apiRequestsName  = prometheus.BuildFQName(namespace, "api", "requests_total")
	apiDurationName  = prometheus.BuildFQName(namespace, "api", "request_duration_seconds")
)

// Label names, in the order their values are given.
var (
	statusLabels      = []string{"instance_id", "region", "status"}
	regionLabels      = []string{"region"}
	scrapeErrorLabels = []string{"region", "code"}
	apiRequestLabels  = []string{"action", "region", "code"}
	apiDurationLabels = []string{"action"}
	// infoLabels are the fixed labels of ecs_instance_info; the tag_<key>
	// labels of InfoOptions.Tags follow them.
	infoLabels = []string{"instance_id", "region", "zone", "instance_name", "instance_type", "instance_charge_type", "os_type"}
)

// descs are the Descs of the per-scrape metrics.
type descs struct {
	status, up, duration, lastSuccess *prometheus.Desc
	statusHelp                        string
}

// newDescs builds the per-scrape Descs. The status HELP says when a result
// may be served from a cache, since a user reading it needs to know.
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
		status:     prometheus.NewDesc(statusName, statusHelp, statusLabels, nil),
		up: prometheus.NewDesc(upName,
			"1 if the region's sweep for this scrape fetched every page, else 0.",
			regionLabels, nil),
		duration: prometheus.NewDesc(durationName,
			"How long the region's sweep for this scrape took.",
			regionLabels, nil),
		lastSuccess: prometheus.NewDesc(lastSuccessName,
			"Unix time of the region's last complete sweep; absent until the first one.",
			regionLabels, nil),
	}
}

// newScrapeErrors is ecs_scrape_errors_total, which outlives a scrape.
func newScrapeErrors() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: scrapeErrorsName,
		Help: "Region sweeps that failed, by the error code that ended them: the Alibaba Cloud error Code, or timeout, network, decode, credentials.",
	}, scrapeErrorLabels)
}

// infoHelp is the HELP of ecs_instance_info for a refresh interval.
func infoHelp(refresh time.Duration) string {
	return "Information about an ECS instance from DescribeInstances; always 1. Cached: refreshed every " +
		refresh.String() + " (--collector.info.refresh), so a new or renamed instance can take that long to show."
}
