package collector

import (
	"strings"
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

	healthName           = prometheus.BuildFQName(namespace, "instance", "health_status")
	eventNotBeforeName   = prometheus.BuildFQName(namespace, "instance", "event_not_before_timestamp_seconds")
	eventFinishName      = prometheus.BuildFQName(namespace, "instance", "event_finish_timestamp_seconds")
	expireName           = prometheus.BuildFQName(namespace, "instance", "expire_timestamp_seconds")
	lockName             = prometheus.BuildFQName(namespace, "instance", "operation_lock")
	collectorUpName      = prometheus.BuildFQName(namespace, "collector", "up")
	collectorSuccessName = prometheus.BuildFQName(namespace, "collector", "last_success_timestamp_seconds")
)

// Label names, in the order their values are given.
var (
	statusLabels      = []string{"instance_id", "region", "status"}
	regionLabels      = []string{"region"}
	scrapeErrorLabels = []string{"region", "code"}
	apiRequestLabels  = []string{"account", "action", "region", "code"}
	apiDurationLabels = []string{"action"}
	// infoLabels are the fixed labels of ecs_instance_info; the tag_<key>
	// labels of InfoOptions.Tags follow them.
	infoLabels = []string{"instance_id", "region", "zone", "instance_name", "instance_type", "instance_charge_type", "os_type"}

	healthLabels    = []string{"instance_id", "region", "health_status"}
	eventLabels     = []string{"instance_id", "region", "event_id", "event_type", "event_status"}
	instanceLabels  = []string{"instance_id", "region"}
	lockLabels      = []string{"instance_id", "region", "lock_reason"}
	collectorLabels = []string{"collector", "region"}
)

// The optional collectors, as the collector label names them.
const (
	collectorHealth = "health"
	collectorEvents = "events"
	collectorInfo   = "info"
)

// descs are the Descs of the per-scrape health metrics.
type descs struct {
	up, duration, lastSuccess         *prometheus.Desc
	collectorUp, collectorLastSuccess *prometheus.Desc
}

// statusHelp is the HELP of ecs_instance_status. Like healthHelp, it says
// when a result may be served from a cache, since a user reading it needs
// to know.
func statusHelp(cacheTTL, maxStaleness time.Duration) string {
	return "ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped)." +
		sweepCacheHelp("sweep", "ecs_up 0", cacheTTL, maxStaleness)
}

// healthHelp is the HELP of ecs_instance_health_status.
func healthHelp(cacheTTL, maxStaleness time.Duration) string {
	return "ECS instance health from DescribeInstancesFullStatus as a state set: 1 for the current health status, 0 for the other known ones (" +
		strings.Join(KnownHealthStatuses, ", ") + "); another value gets a series of its own. Fetched with each sweep." +
		sweepCacheHelp("health fetch", `ecs_collector_up{collector="health"} 0`, cacheTTL, maxStaleness)
}

// sweepCacheHelp says how old a swept result may be when served.
func sweepCacheHelp(what, failed string, cacheTTL, maxStaleness time.Duration) string {
	var s string
	if cacheTTL > 0 {
		s += " Served from a cached " + what + " up to " + cacheTTL.String() + " old (--collector.cache-ttl)."
	}
	if maxStaleness > 0 {
		s += " When a region's " + what + " fails (" + failed + "), its last complete result up to " + maxStaleness.String() + " old is served again (--collector.max-staleness)."
	}
	return s
}

// newDescs builds the per-scrape health Descs.
func newDescs() descs {
	return descs{
		up: prometheus.NewDesc(upName,
			"1 if the region's sweep for this scrape fetched every page, else 0.",
			regionLabels, nil),
		duration: prometheus.NewDesc(durationName,
			"How long the region's sweep for this scrape took.",
			regionLabels, nil),
		lastSuccess: prometheus.NewDesc(lastSuccessName,
			"Unix time of the region's last complete sweep; absent until the first one.",
			regionLabels, nil),
		collectorUp: prometheus.NewDesc(collectorUpName,
			"1 if the optional collector's last call for the region succeeded, else 0: health with each sweep, events and info with each background refresh. Never affects ecs_up.",
			collectorLabels, nil),
		collectorLastSuccess: prometheus.NewDesc(collectorSuccessName,
			"Unix time of the optional collector's last successful call for the region; absent until the first one.",
			collectorLabels, nil),
	}
}

// newScrapeErrors is ecs_scrape_errors_total, which outlives a scrape.
func newScrapeErrors() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: scrapeErrorsName,
		Help: "Region sweeps that failed, by the error code that ended them: the Alibaba Cloud error Code, or timeout, network, decode, credentials.",
	}, scrapeErrorLabels)
}
