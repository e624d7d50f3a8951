// Package handler holds the exporter's HTTP handlers for Prometheus:
// /metrics (Metrics), which serves one collector.Exporter, and /probe
// (Prober), which serves one region of one account per request, the way
// blackbox_exporter's /probe does. Both bound a scrape by Prometheus's
// X-Prometheus-Scrape-Timeout-Seconds header (ScrapeTimeout), and both
// write the big instance families straight to the response and the rest
// through client_golang.
package handler
