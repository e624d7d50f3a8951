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
//   - With Options.Health, a second sweep cache of the same kind fetches
//     each region's instance health (HealthSource, health.go) beside its
//     statuses, under the same deadline, on its own: a failed health fetch
//     never changes the region's ecs_up or status series.
//   - The cached collectors, events (eventcache.go) and info
//     (infocache.go), are not fetched by a scrape: each lists its regions
//     in the background (refresher.go) from the Exporter's creation on, and
//     Sweep takes their last listings, waiting within its deadline only for
//     a region's first one.
//   - The Result becomes metrics: HealthCollector is a prometheus.Collector
//     for the health of one Result (ecs_up and friends, ecs_collector_up),
//     and WriteInstanceFamilies writes the per-instance families (the
//     status and health state sets, events, info, expiry, locks) straight
//     to the response through internal/exposition. ScrapeCollector does all
//     of it through client_golang, as a single prometheus.Collector. Each
//     instance family's series come from one function that both ways out
//     share (families.go).
//
// The rooms: the Exporter (exporter.go, sweep.go) owns the regions and the
// options; a sweep cache (sweepcache.go) owns the fetches in flight of one
// kind and each region's last complete result; a flight (flight.go) owns
// one fetch's deadline; a refresher (refresher.go) owns a cached
// collector's listings and their refresh loops; a scrape (scrape.go) is one
// Result on its way out; RequestMetrics (requests.go) counts API requests.
// A status book (statusbook.go) records each region's listings of one kind,
// their pages, calls, throttled calls and last error, for Exporter.Status
// (status.go), which a status page reads; nothing that serves metrics reads
// it. Metric and label names are defined once, in metrics.go.
package collector
