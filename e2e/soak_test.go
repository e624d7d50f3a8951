package e2e

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	dto "github.com/prometheus/client_model/go"
)

// soakRegion is a stand-in region of the soak and what it takes to sweep it.
type soakRegion struct {
	name      string
	instances int
	rounds    int     // sequential request rounds: page 1, then the other pages at once
	latency   float64 // seconds the stand-in waits before each answer
	retry     float64 // seconds allowed for retrying a 503
}

// The soak's coverage rule: a scrape's deadline covers a region when
// rounds × (soakPerRound + latency) + retry + soakCutMargin fits in it.
const (
	soakPerRound  = 0.3  // seconds per request round on a loaded machine
	soakCutMargin = 0.25 // a fetch may end this much before the scrape's deadline
	soakOffset    = 0.1  // --collector.timeout-offset
	soakNoHeader  = 30.0 // --collector.timeout, the deadline without the header
	soakChurn     = "us-west-1"
	// soakLookback bounds how long before a scrape the fetch it joins began.
	soakLookback = 2 * time.Second
	soakClients  = 6
	soakScrapes  = 600
	soakBudget   = 5 * time.Minute // warm-up and soak; the test ends on time by itself
)

var (
	soakRegions = []soakRegion{
		{name: "cn-hangzhou", instances: 137, rounds: 2, retry: 0.4}, // 503 on every 10th request
		{name: soakChurn, instances: 45, rounds: 1},                  // churn every 8 s
		{name: slowRegion, instances: 40, rounds: 1, latency: slowLatency},
	}
	soakHeaders = []string{"", "10", "3", "1.5", "0.8"} // X-Prometheus-Scrape-Timeout-Seconds
)

func (r soakRegion) need() float64 {
	return float64(r.rounds)*(soakPerRound+r.latency) + r.retry + soakCutMargin
}

// covers reports whether a scrape with header's deadline covers r.
func covers(header string, r soakRegion) bool {
	deadline := soakNoHeader
	if header != "" {
		v, _ := strconv.ParseFloat(header, 64)
		deadline = v - soakOffset
	}
	return r.need() <= deadline
}

// soakScrape is what the soak keeps of one scrape.
type soakScrape struct {
	header     string
	start, end time.Time
	err        error
	up, took   map[string]float64
	statuses   map[string]map[string]string // region → instance → status (value-1 series)
	after      standInFleet                 // read just after the scrape
}

// soak is the stand-in, the exporter and what the clients saw.
type soak struct {
	t      *testing.T
	base   string
	log    *testenv.LockedBuffer // the stand-in's output, with one line per churn change
	exp    *testenv.Exporter
	fleets map[string][]simulator.Instance

	mu       sync.Mutex
	observed []generationSeen
}

// generationSeen is a fleet generation read from the stand-in by a time.
type generationSeen struct {
	by  time.Time
	gen int
}

func startSoak(t *testing.T) *soak {
	t.Helper()
	fleets := map[string][]simulator.Instance{}
	regions := []string{"--collector.timeout-offset=100ms", "--aliyun.rate-limit=0"}
	for i, r := range soakRegions {
		fleets[r.name] = simulator.GenerateFleet(r.name, r.instances, int64(80+i))
		regions = append(regions, "--aliyun.region="+r.name)
	}
	base, d := startStandIn(t, fleets, map[string]any{
		"latency": map[string]float64{slowRegion: slowLatency},
		"faults":  map[string]any{"unavailable_every": 10, "unavailable_regions": []string{"cn-hangzhou"}},
		"churn":   map[string]any{"every": 8, "seed": 7, "flips": 2, "adds": 1, "removes": 1, "regions": []string{soakChurn}},
	}, "--quiet")
	exp, hits := startExporterOnStandIn(t, base, regions...)
	t.Cleanup(func() {
		if n := hits.Load(); n != 0 {
			t.Errorf("%d requests tried to leave the machine through the proxy", n)
		}
	})
	return &soak{t: t, base: base, log: d.Output, exp: exp, fleets: fleets}
}

// readFleet reads the stand-in's fleet and notes its generation.
func (s *soak) readFleet() (standInFleet, error) {
	var f standInFleet
	if err := readStandIn(s.base, "fleet", &f); err != nil {
		return f, err
	}
	s.mu.Lock()
	s.observed = append(s.observed, generationSeen{time.Now(), f.Generation})
	s.mu.Unlock()
	return f, nil
}

// scrapeOnce reads the fleet, scrapes with header, reads the fleet again.
func (s *soak) scrapeOnce(header string) soakScrape {
	_, errBefore := s.readFleet()
	ts := scrapeWithTimeout(s.exp.URL+"/metrics", header)
	out := soakScrape{header: header, start: ts.Start, end: ts.End, err: ts.Err}
	after, errAfter := s.readFleet()
	out.after = after
	if out.err == nil {
		out.up = testenv.Series(ts.MFs, "ecs_up", "region")
		out.took = testenv.Series(ts.MFs, "ecs_scrape_duration_seconds", "region")
		out.statuses, out.err = currentStatuses(ts.MFs)
	}
	for _, err := range []error{errBefore, errAfter} {
		if out.err == nil && err != nil {
			out.err = err
		}
	}
	return out
}

// run has clients scrape concurrently, each cycling through soakHeaders
// from its own place, until target scrapes are taken or budget is spent.
func (s *soak) run(clients int, target int64, budget time.Duration) []soakScrape {
	until := time.Now().Add(budget)
	var taken atomic.Int64
	var got []soakScrape
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for k := c; time.Now().Before(until) && taken.Add(1) <= target; k++ {
				sc := s.scrapeOnce(soakHeaders[k%len(soakHeaders)])
				s.mu.Lock()
				got = append(got, sc)
				s.mu.Unlock()
			}
		})
	}
	wg.Wait()
	return got
}

// exporterSample is the exporter's own health, from its /metrics.
type exporterSample struct {
	goroutines, fds, rss float64
	mfs                  map[string]*dto.MetricFamily
}

func (s *soak) sample() (exporterSample, error) {
	ts := scrapeWithTimeout(s.exp.URL+"/metrics", "10")
	if ts.Err != nil {
		return exporterSample{}, ts.Err
	}
	one := func(name string) float64 { return testenv.Series(ts.MFs, name)[""] }
	return exporterSample{one("go_goroutines"), one("process_open_fds"), one("process_resident_memory_bytes"), ts.MFs}, nil
}

// TestSoakMixedDeadlinesAgainstChurnFaultsAndASlowRegion has several clients
// scrape with mixed deadlines (none, 10 s, 3 s, 1.5 s, 0.8 s) while the
// Python stand-in churns one region, answers 503 to every 10th request of
// another and answers a third after 1.5 s. Every region a scrape's deadline
// covers must be up in it and exact; the exporter's goroutines, fds and RSS
// must stay flat.
func TestSoakMixedDeadlinesAgainstChurnFaultsAndASlowRegion(t *testing.T) {
	if os.Getenv("ECS_SOAK") == "" {
		t.Skip("the soak takes about 3 minutes: make soak (ECS_SOAK=1) runs it, and so does CI")
	}
	s := startSoak(t)
	logCoverageRule(t)
	first := s.scrapeOnce("")
	if first.err != nil || slices.ContainsFunc(soakRegions, func(r soakRegion) bool { return first.up[r.name] != 1 }) {
		t.Fatalf("the first scrape, with no deadline header, is not complete: ecs_up %v, %v", first.up, first.err)
	}
	until := time.Now().Add(soakBudget)
	warm := s.run(soakClients, 5*soakClients, time.Until(until))
	before, err := s.sample()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	scrapes := s.run(soakClients, soakScrapes, time.Until(until))
	soakTime := time.Since(started)
	var after exporterSample
	if err := testenv.Eventually(20*time.Second, time.Second, func() error {
		after, err = s.sample()
		return flat(before, after, err)
	}); err != nil {
		t.Errorf("the exporter did not settle after the soak: %v", err)
	}
	if len(scrapes) < soakScrapes {
		t.Errorf("only %d scrapes in %v, want %d", len(scrapes), soakTime, soakScrapes)
	}

	tally := s.check(append(warm, scrapes...))
	var stats standInStats
	if err := readStandIn(s.base, "stats", &stats); err != nil {
		t.Fatal(err)
	}
	errs := testenv.Series(after.mfs, "ecs_scrape_errors_total", "region", "code")
	s.checkCounted(tally.downs, errs)
	if stats.ByStatus["503"] == 0 || tally.lastGen == 0 {
		t.Errorf("the soak ran without its faults: %d 503s served, churn up to generation %d", stats.ByStatus["503"], tally.lastGen)
	}

	t.Logf("soak: %d scrapes in %v by %d clients (after %d warm-up); by X-Prometheus-Scrape-Timeout-Seconds: %s",
		len(scrapes), soakTime.Round(time.Second), soakClients, len(warm)+1, byHeader(scrapes))
	t.Logf("covered regions ecs_up 1 in %d/%d region-scrapes; uncovered ones up in %d/%d; regions down per region %v; errors counted %v",
		tally.coveredUp, tally.covered, tally.uncoveredUp, tally.uncovered, tally.downs, errs)
	t.Logf("churn: generations up to %d; %s up and exact in %d scrapes with no churn in their window, in %d more but for the churned instances (%.1f on average)",
		tally.lastGen, soakChurn, tally.exact, tally.churned, float64(tally.loose)/float64(max(1, tally.churned)))
	t.Logf("503s served by the stand-in: %d of %d requests; exporter saw %v", stats.ByStatus["503"], stats.Total,
		testenv.Series(after.mfs, "ecs_api_requests_total", "region", "code"))
	t.Logf("exporter goroutines %g → %g, open fds %g → %g, RSS %.1f MB → %.1f MB",
		before.goroutines, after.goroutines, before.fds, after.fds, before.rss/1e6, after.rss/1e6)
}

// byHeader counts scrapes and their mean duration by header.
func byHeader(scrapes []soakScrape) string {
	var out []string
	for _, h := range soakHeaders {
		n, took := 0, time.Duration(0)
		for _, sc := range scrapes {
			if sc.header == h {
				n++
				took += sc.end.Sub(sc.start)
			}
		}
		out = append(out, fmt.Sprintf("%q %d (mean %v)", h, n, (took/time.Duration(max(1, n))).Round(time.Millisecond)))
	}
	return strings.Join(out, ", ")
}

// flat compares the samples before and after the soak.
func flat(before, after exporterSample, err error) error {
	switch {
	case err != nil:
		return err
	case after.goroutines > before.goroutines+20:
		return fmt.Errorf("goroutines %g → %g", before.goroutines, after.goroutines)
	case after.fds > before.fds+10:
		return fmt.Errorf("open fds %g → %g", before.fds, after.fds)
	case after.rss > 1.5*before.rss+20e6:
		return fmt.Errorf("RSS %.1f MB → %.1f MB", before.rss/1e6, after.rss/1e6)
	}
	return nil
}

func logCoverageRule(t *testing.T) {
	t.Helper()
	var needs, covered []string
	for _, r := range soakRegions {
		needs = append(needs, fmt.Sprintf("%s %d instances, %d round(s), latency %gs, retry %gs: %.2fs", r.name, r.instances, r.rounds, r.latency, r.retry, r.need()))
	}
	for _, h := range soakHeaders {
		var rs []string
		for _, r := range soakRegions {
			if covers(h, r) {
				rs = append(rs, r.name)
			}
		}
		covered = append(covered, fmt.Sprintf("%q → %s", h, strings.Join(rs, ",")))
	}
	t.Logf("coverage rule: rounds × (%gs + latency) + retry + %gs ≤ header − %gs (no header: %gs). Need: %s. Covered: %s",
		soakPerRound, soakCutMargin, soakOffset, soakNoHeader, strings.Join(needs, "; "), strings.Join(covered, "; "))
}
