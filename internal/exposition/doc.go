// Package exposition writes metric families straight to a response in the
// Prometheus text format (version 0.0.4), for the few families that are too
// big to go through client_golang.
//
// client_golang builds a Metric, then a protobuf, for every series before it
// encodes it; at 100,000 instances that is half a million of each per scrape.
// A family of one fixed shape can instead be written line by line: a Family
// knows its name and label names, and writes a series from its label values
// and value with a handful of appends into a reused buffer, no allocation per
// series. This is the idea of kube-state-metrics' pkg/metric, kept small:
// label value and HELP escaping, the family header, one series line.
//
// It does not check names (the caller builds them with client_golang, which
// does) and writes no sample timestamps.
package exposition
