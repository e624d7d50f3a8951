// Package collector turns sweeps of the ECS API into Prometheus metrics. It
// knows regions, instances and their statuses as plain values; the aliyun
// package does the talking to the API, and internal/handler the talking to
// Prometheus.
//
// One scrape of /metrics goes through it like this:
//
//   - The handler gives Exporter.Sweep a context with the scrape's deadline.
//   - Sweep asks the sweep cache (sweepcache.go) for each region: a
//     complete result younger than Options.CacheTTL is reused; a region
//     being fetched is joined; otherwise a fetch starts (flight.go). A fetch
//     runs until the latest deadline of the scrapes that joined it; each
//     scrape takes what has finished by its own deadline and counts its own
//     timeouts.
//   - A fetch calls Source.InstanceStatuses for its region. Each region's
//     outcome, its error and how long it took is a RegionResult; a failed
//     region may serve its last complete result again
//     (Options.MaxStaleness). Failures count in ecs_scrape_errors_total, the
//     Exporter's own prometheus.Collector.
//   - The Result becomes metrics: HealthCollector is a prometheus.Collector
//     for the region health of one Result (ecs_up and friends), and
//     WriteInstanceFamilies writes the big families, ecs_instance_status and
//     ecs_instance_info, straight to the response through internal/exposition.
//     ScrapeCollector does all of it through client_golang, as a single
//     prometheus.Collector.
//
// The rooms: the Exporter (exporter.go) owns the regions and the options; the
// sweep cache (sweepcache.go) owns the fetches in flight and each region's
// last complete result; a flight (flight.go) owns one fetch's deadline; the info
// cache (infocache.go) owns the DescribeInstances listings it refreshes in the
// background; a scrape (scrape.go) is one Result on its way out;
// RequestMetrics (requests.go) counts API requests. A status book
// (statusbook.go) records each region's listings, their pages, calls,
// throttled calls and last error, for Exporter.Status (status.go), which a
// status page reads; nothing that serves metrics reads it. Metric and label
// names are defined once, in metrics.go.
package collector
