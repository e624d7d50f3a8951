package e2e

import (
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// slowRegion is the stand-in region that answers every request after
// slowLatency; the fast regions answer at once.
const (
	slowRegion  = "ap-southeast-1"
	slowLatency = 1.5 // seconds
)

var fastRegions = []string{"cn-hangzhou", "us-west-1"}

// sharedSweepRig is the stand-in with one slow region beside two fast ones,
// and an exporter on it that takes 100ms off the scrape timeout header.
type sharedSweepRig struct {
	t      *testing.T
	base   string // the stand-in
	exp    *testenv.Exporter
	fleets map[string][]simulator.Instance
}

func startSharedSweepRig(t *testing.T, args ...string) *sharedSweepRig {
	t.Helper()
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 137, 71), // three pages of 50
		"us-west-1":   simulator.GenerateFleet("us-west-1", 60, 72),    // two pages
		slowRegion:    simulator.GenerateFleet(slowRegion, 45, 73),     // one page, 1.5 s
	}
	base, _ := startStandIn(t, fleets, map[string]any{"latency": map[string]float64{slowRegion: slowLatency}}, "--quiet")
	args = append([]string{"--collector.timeout-offset=100ms", "--aliyun.region=cn-hangzhou",
		"--aliyun.region=us-west-1", "--aliyun.region=" + slowRegion}, args...)
	exp, hits := startExporterOnStandIn(t, base, args...)
	t.Cleanup(func() {
		if n := hits.Load(); n != 0 {
			t.Errorf("%d requests tried to leave the machine through the proxy", n)
		}
	})
	return &sharedSweepRig{t: t, base: base, exp: exp, fleets: fleets}
}

// stats reads the stand-in's request counts.
func (r *sharedSweepRig) stats() standInStats {
	r.t.Helper()
	var s standInStats
	if err := readStandIn(r.base, "stats", &s); err != nil {
		r.t.Fatal(err)
	}
	return s
}

// awaitSweepInFlight returns once the stand-in has answered a request of the
// sweep started at start, while the slow region's first request is still
// being answered: a scrape sent now joins that sweep.
func (r *sharedSweepRig) awaitSweepInFlight(start time.Time) {
	r.t.Helper()
	for r.stats().Total == 0 {
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
	if s := r.stats(); s.ByRegion[slowRegion] != 0 || time.Since(start) > time.Second {
		r.t.Fatalf("the machine is too loaded to overlap two scrapes: %v after the first one, stand-in stats %+v", time.Since(start), s)
	}
}

// complete asserts that s has ecs_up 1 for the regions and each region's
// instances exactly as the stand-in serves them.
func (r *sharedSweepRig) complete(name string, s timedScrape, regions ...string) {
	r.t.Helper()
	if s.Err != nil {
		r.t.Errorf("%s: %v", name, s.Err)
		return
	}
	up := testenv.Series(s.MFs, "ecs_up", "region")
	got, err := currentStatuses(s.MFs)
	if err != nil {
		r.t.Errorf("%s: %v", name, err)
	}
	for _, region := range regions {
		if up[region] != 1 {
			r.t.Errorf("%s (header %q, %v): ecs_up{region=%q} = %g, want 1", name, s.Header, s.End.Sub(s.Start).Round(time.Millisecond), region, up[region])
			continue
		}
		want := map[string]string{}
		for _, in := range r.fleets[region] {
			want[in.ID] = in.Status
		}
		if d := fleetDiff(got[region], want, nil); len(d) > 0 {
			r.t.Errorf("%s: %s differs from the stand-in in %d instances: %v", name, region, len(d), d[:min(5, len(d))])
		}
	}
}

// timedOut asserts that s reports region down with a wait and a counted
// timeout of its own, as a scrape that gave up on a region must.
func (r *sharedSweepRig) timedOut(name string, s timedScrape, region string) {
	r.t.Helper()
	if s.Err != nil {
		r.t.Errorf("%s: %v", name, s.Err)
		return
	}
	up := testenv.Series(s.MFs, "ecs_up", "region")[region]
	took := testenv.Series(s.MFs, "ecs_scrape_duration_seconds", "region")[region]
	timeouts := testenv.Series(s.MFs, "ecs_scrape_errors_total", "region", "code")[region+" timeout"]
	if up != 0 || took <= 0 || timeouts < 1 {
		r.t.Errorf("%s: %s has ecs_up %g, ecs_scrape_duration_seconds %g, ecs_scrape_errors_total{code=\"timeout\"} %g; want 0, > 0, >= 1",
			name, region, up, took, timeouts)
	}
}

// TestScrapesSharingASweepEachGetTheirOwnDeadline runs the sweep-sharing
// cases of issue 10 against the Python stand-in (not this project's
// simulator) with one region 1.5 s slow beside two fast ones.
func TestScrapesSharingASweepEachGetTheirOwnDeadline(t *testing.T) {
	all := append([]string{slowRegion}, fastRegions...)

	t.Run("a short scrape joining a long one has the fast regions, the long one everything", func(t *testing.T) {
		r := startSharedSweepRig(t)
		start := time.Now()
		long := scrapeAsync(r.exp.URL+"/metrics", "") // --collector.timeout, 30s
		r.awaitSweepInFlight(start)
		short := scrapeWithTimeout(r.exp.URL+"/metrics", "1") // 0.9 s deadline
		r.complete("short scrape", short, fastRegions...)
		if testenv.Series(short.MFs, "ecs_up", "region")[slowRegion] == 1 {
			r.complete("short scrape", short, slowRegion) // the slow region finished within its deadline
		} else {
			r.timedOut("short scrape", short, slowRegion)
		}
		r.complete("long scrape", <-long, all...)
		t.Logf("short scrape took %v: ecs_up %v", short.End.Sub(short.Start).Round(time.Millisecond), testenv.Series(short.MFs, "ecs_up", "region"))
	})

	t.Run("a long scrape joining a short one is complete", func(t *testing.T) {
		r := startSharedSweepRig(t)
		start := time.Now()
		short := scrapeAsync(r.exp.URL+"/metrics", "1.3") // 1.2 s deadline: the slow region needs 1.5 s
		r.awaitSweepInFlight(start)
		long := scrapeWithTimeout(r.exp.URL+"/metrics", "50")
		r.complete("long scrape", long, all...)
		s := <-short
		r.complete("short scrape", s, fastRegions...)
		r.timedOut("short scrape", s, slowRegion)
		if n := r.stats().Requests["DescribeInstanceStatus"][slowRegion]["200"]; n != 1 {
			t.Errorf("the slow region answered %d requests, want 1: the long scrape should join the short one's request", n)
		}
		t.Logf("long scrape took %v: ecs_up %v", long.End.Sub(long.Start).Round(time.Millisecond), testenv.Series(long.MFs, "ecs_up", "region"))
	})

	t.Run("with --collector.cache-ttl a 1ms scrape does not poison the next", func(t *testing.T) {
		r := startSharedSweepRig(t, "--collector.cache-ttl=50s")
		cut := scrapeWithTimeout(r.exp.URL+"/metrics", "0.001")
		if cut.Err != nil {
			t.Fatalf("1ms scrape: %v", cut.Err)
		}
		r.complete("long scrape after a 1ms one", scrapeWithTimeout(r.exp.URL+"/metrics", ""), all...)
		// The complete result is the one to reuse for the TTL.
		r.complete("1ms scrape within the TTL of a complete one", scrapeWithTimeout(r.exp.URL+"/metrics", "0.001"), all...)
		t.Logf("the 1ms scrape had ecs_up %v", testenv.Series(cut.MFs, "ecs_up", "region"))
	})

	t.Run("/probe: a short probe joining a long one counts its own timeout", func(t *testing.T) {
		r := startSharedSweepRig(t)
		url := r.exp.URL + "/probe?region=" + slowRegion
		long := scrapeAsync(url, "")
		short := scrapeWithTimeout(url, "0.5") // 0.4 s deadline
		r.timedOut("short probe", short, slowRegion)
		r.complete("long probe", <-long, slowRegion)
		t.Logf("short probe took %v; the slow region answered %v requests", short.End.Sub(short.Start).Round(time.Millisecond),
			r.stats().Requests["DescribeInstanceStatus"][slowRegion])
	})
}
