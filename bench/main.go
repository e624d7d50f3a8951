// Command bench measures the exporter against the simulator, side by side
// with a sequential pager (one API call at a time, the way peer exporters
// page), and prints one table row per scenario.
//
// The exporter runs as its own process (the real binary), so its CPU time
// and peak RSS are its own; the simulator and the sequential pager run in
// this process.
//
//	go run ./bench -exporter ./aliyun_ecs_exporter            # the five targets
//	go run ./bench -exporter ./aliyun_ecs_exporter -scenario custom \
//	    -regions 8 -instances 2000 -latency 50ms -qps 20 -- --aliyun.rate-limit=20
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	var (
		exporter  = flag.String("exporter", "./aliyun_ecs_exporter", "exporter binary to measure")
		only      = flag.String("scenario", "", "run only this scenario (told, untold, scale, concurrent, or custom)")
		regions   = flag.Int("regions", 4, "custom: regions")
		instances = flag.Int("instances", 1000, "custom: instances per region")
		latency   = flag.Duration("latency", 50*time.Millisecond, "custom: simulated latency per call")
		qps       = flag.Float64("qps", 10, "custom: requests per second per region the simulator enforces (0 = none)")
		scrapes   = flag.Int("scrapes", 1, "custom: concurrent scrapes")
		cold      = flag.Bool("cold", false, "custom: measure the first scrape instead of a warm one")
		seqFlag   = flag.Bool("sequential", true, "custom: also run the sequential pager")
	)
	flag.Parse()
	os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	os.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")

	scenarios := defaultScenarios()
	if *only == "custom" {
		scenarios = []scenario{{
			name: "custom", regions: *regions, instances: *instances, latency: *latency,
			qps: *qps, scrapes: *scrapes, sequential: *seqFlag, cold: *cold, args: flag.Args(),
		}}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	failed := false
	for _, sc := range scenarios {
		if *only != "" && *only != "custom" && sc.name != *only {
			continue
		}
		r, err := run(*exporter, sc)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", sc.name, err)
			failed = true
			continue
		}
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t")+"\t")
		tw.Flush()
		for _, n := range r.notes {
			fmt.Fprintf(os.Stderr, "  %s: %s\n", sc.name, n)
		}
		if v := r.violation(); v != "" {
			fmt.Fprintf(os.Stderr, "%s: %s\n", sc.name, v)
			failed = true
		}
	}
	tw.Flush()
	if failed {
		os.Exit(1)
	}
}

// defaultScenarios are the targets of the scale issue.
func defaultScenarios() []scenario {
	told := scenario{
		name: "told", regions: 16, instances: 1000, latency: 100 * time.Millisecond, qps: 10,
		scrapes: 1, sequential: true,
		args: []string{"--aliyun.rate-limit=10", "--aliyun.max-inflight=64"},
	}
	untold := told
	untold.name, untold.sequential, untold.cold = "untold", false, true
	untold.args = []string{"--aliyun.rate-limit=0", "--aliyun.max-inflight=64"}
	// health: told's fleet and API with --collector.health, within 1.25x the
	// bound for status plus health pages, nothing throttled (issue 11).
	health := told
	health.name, health.sequential, health.health, health.maxRatio = "health", false, true, 1.25
	health.args = append(slices.Clone(told.args), "--collector.health")
	return []scenario{
		told,
		untold,
		health,
		{name: "scale", regions: 1, instances: 100_000, args: []string{"--aliyun.rate-limit=0"}, scrapes: 1},
		{name: "concurrent", regions: 4, instances: 1000, latency: 50 * time.Millisecond, qps: 10, scrapes: 50,
			args: []string{"--aliyun.rate-limit=10"}},
	}
}

var header = []string{"scenario", "fleet", "pages", "scrape_s", "bound_s", "ratio", "calls", "throttled",
	"cpu_s", "peak_rss_mb", "alloc_b/inst", "expose_s", "seq_s", "speedup"}
