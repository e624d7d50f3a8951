package main

import (
	"fmt"
	"math"
	"time"
)

// benchKey and benchSecret are the made-up credential the exporter signs
// with and the simulator accepts.
const (
	benchKey    = "LTAIbenchkey"
	benchSecret = "benchsecret"
)

// scenario is one row of the table.
type scenario struct {
	name       string
	regions    int
	instances  int           // per region
	latency    time.Duration // per call, every region
	qps        float64       // enforced by the simulator per region; 0 = none
	scrapes    int           // concurrent scrapes in the measured round
	sequential bool          // also time the sequential pager
	cold       bool          // measure the first scrape, before the exporter learned anything
	health     bool          // --collector.health: DescribeInstancesFullStatus pages beside the status pages
	maxRatio   float64       // when > 0, a ratio above it or any throttled call fails the row
	args       []string      // extra exporter flags
}

// regionNames are the simulated regions, bench-region-01 onwards.
func (s scenario) regionNames() []string {
	out := make([]string, s.regions)
	for i := range out {
		out[i] = fmt.Sprintf("bench-region-%02d", i+1)
	}
	return out
}

// pagesPerRegion is how many calls one region's sweep takes: 50-instance
// status pages and, with health, 100-instance DescribeInstancesFullStatus
// pages.
func (s scenario) pagesPerRegion() int {
	if s.health {
		return (s.instances+49)/50 + (s.instances+99)/100
	}
	return (s.instances + 49) / 50
}

// bound is the API's own limit for one scrape: one round trip per page
// (status and health pages alike share the region's rate limit), and
// per region no faster than its rate limit allows after the burst; regions
// run in parallel, so the slowest (all are equal here) decides.
func (s scenario) bound() float64 {
	if s.qps <= 0 {
		return s.latency.Seconds()
	}
	burst := math.Ceil(s.qps)
	return s.latency.Seconds() + math.Max(0, float64(s.pagesPerRegion())-burst)/s.qps
}

// waitRefill lets the simulator's token buckets (and the exporter's) fill
// up again between rounds, so that each round starts as the bound assumes.
func waitRefill(sc scenario) {
	if sc.qps > 0 {
		time.Sleep(time.Duration(float64(time.Second) * (math.Ceil(sc.qps)/sc.qps + 0.5)))
	}
}

// violation says how the row misses the scenario's maxRatio or throttled
// calls; "" when it does not, or the scenario sets no maxRatio.
func (r result) violation() string {
	if r.sc.maxRatio <= 0 {
		return ""
	}
	if ratio := r.scrape.Seconds() / r.sc.bound(); ratio > r.sc.maxRatio || r.throttled > 0 {
		return fmt.Sprintf("ratio %.2f (at most %.2f) with %d calls throttled (want 0)", ratio, r.sc.maxRatio, r.throttled)
	}
	return ""
}
