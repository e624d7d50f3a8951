package collector

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The rule for shared sweeps (issue 10): a scrape gets every region that
// finishes within its own deadline; a fetch in flight runs for the longest
// deadline among the scrapes that joined it; each scrape counts its own
// timeouts; only complete region results are cached.

// sweepIn runs e.Sweep in the background with a deadline d from now, or
// none if d is 0.
func sweepIn(e *Exporter, d time.Duration) <-chan *Result {
	out := make(chan *Result, 1)
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		if d > 0 {
			ctx, cancel = context.WithTimeout(context.Background(), d)
		}
		defer cancel()
		out <- e.Sweep(ctx)
	}()
	return out
}

// sweepFor runs one sweep with a deadline d from now.
func sweepFor(e *Exporter, d time.Duration) *Result { return <-sweepIn(e, d) }

// region is res's result for name.
func region(t *testing.T, res *Result, name string) RegionResult {
	t.Helper()
	for _, r := range res.Regions {
		if r.Region == name {
			return r
		}
	}
	t.Fatalf("no result for %s", name)
	return RegionResult{}
}

// timeouts is ecs_scrape_errors_total{region, code="timeout"}.
func timeouts(e *Exporter, region string) float64 {
	return testutil.ToFloat64(e.scrapeErrors.WithLabelValues(region, aliyun.CodeTimeout))
}

// checkComplete checks that r is the region's whole fleet, fetched now.
func checkComplete(t *testing.T, s *simulated, r RegionResult) {
	t.Helper()
	if r.Err != nil || r.Stale || !slices.Equal(r.Instances, s.fleet(r.Region)) {
		t.Errorf("%s: err %v, stale %v, %d instances; want the complete fleet of %d", r.Region, r.Err, r.Stale, len(r.Instances), len(s.fleet(r.Region)))
	}
}

// checkTimedOut checks that r failed with "timeout" after this scrape waited
// for it, and that the scrape counted it: ecs_scrape_errors_total is now
// count.
func checkTimedOut(t *testing.T, e *Exporter, r RegionResult, count float64) {
	t.Helper()
	if aliyun.ErrorCode(r.Err) != aliyun.CodeTimeout {
		t.Errorf("%s: error %v, want code timeout", r.Region, r.Err)
	}
	if r.Duration <= 0 {
		t.Errorf("%s: Duration %v, want the time the scrape waited", r.Region, r.Duration)
	}
	if got := timeouts(e, r.Region); got != count {
		t.Errorf("%s: ecs_scrape_errors_total{code=\"timeout\"} = %g, want %g", r.Region, got, count)
	}
}

// Defect (a): a short scrape that joined a long scrape's sweep got the long
// sweep's deadline, hence ecs_up 0 for every region, duration 0 and no
// error counted.
func TestShortScrapeJoiningALongSweepGetsTheRegionsThatFinishInItsDeadline(t *testing.T) {
	s := startSimulated(t)
	e := New(s.client, Options{Regions: []string{fast, slow}})
	defer e.Close()
	long := sweepIn(e, time.Minute)
	waitFor(t, "the long scrape waits on the slow region", func() bool { return s.calls(slow) == 1 && e.cache.waiters.Load() == 1 })

	short := sweepFor(e, time.Second)
	checkComplete(t, s, region(t, short, fast))
	checkTimedOut(t, e, region(t, short, slow), 1)

	e.Close()
	if r := region(t, <-long, fast); r.Err != nil {
		t.Errorf("long scrape: %s failed: %v", fast, r.Err)
	}
}

// Defect (a), the other way round: a long scrape that joined a short
// scrape's sweep returned when the short one's deadline came, with the
// slower regions timed out.
// A scrape without a deadline holds the fetch as long as it waits.
func TestLongScrapeJoiningAShortSweepWaitsForItsOwnDeadline(t *testing.T) {
	for _, tc := range []struct {
		name string
		long time.Duration
	}{{"long deadline", time.Minute}, {"no deadline", 0}} {
		t.Run(tc.name, func(t *testing.T) { longJoinsShort(t, tc.long) })
	}
}

func longJoinsShort(t *testing.T, longDeadline time.Duration) {
	s := startSimulated(t)
	e := New(s.client, Options{Regions: []string{fast, held}})
	defer e.Close()
	short := sweepIn(e, 2*time.Second)
	waitFor(t, "the short scrape waits on the held region", func() bool { return s.calls(held) == 1 && e.cache.waiters.Load() == 1 })
	long := sweepIn(e, longDeadline)
	waitFor(t, "the long scrape joins", func() bool { return e.cache.waiters.Load() == 2 })

	checkTimedOut(t, e, region(t, <-short, held), 1)
	s.release()
	res := <-long
	checkComplete(t, s, region(t, res, held))
	checkComplete(t, s, region(t, res, fast))
	if n := s.calls(held); n != 1 {
		t.Errorf("%d requests for the held region, want the 1 both scrapes shared", n)
	}
	if got := timeouts(e, held); got != 1 {
		t.Errorf("ecs_scrape_errors_total{code=\"timeout\"} = %g, want only the short scrape's 1", got)
	}
}

// Defect (b): a sweep cut short by a scrape's deadline was cached and served
// to every scrape for the cache TTL.
func TestRegionCutShortIsNotServedFromTheCache(t *testing.T) {
	s := startSimulated(t)
	e := New(s.client, Options{Regions: []string{fast, held}, CacheTTL: time.Hour})
	defer e.Close()
	first := sweepFor(e, 500*time.Millisecond)
	checkComplete(t, s, region(t, first, fast))
	checkTimedOut(t, e, region(t, first, held), 1)

	s.release()
	second := sweepFor(e, time.Minute)
	checkComplete(t, s, region(t, second, held))
	checkComplete(t, s, region(t, second, fast))
	if n := s.calls(fast); n != 1 {
		t.Errorf("%d requests for %s, want 1: its complete result is within the TTL", n, fast)
	}
	if n := s.calls(held); n != 2 {
		t.Errorf("%d requests for %s, want 2: its cut result must not be reused", n, held)
	}
}

// Stale serving follows the same rule: the joining short scrape serves its
// timed-out region's last complete result, and the others fresh.
func TestShortScrapeServesStaleOnlyForItsOwnTimeouts(t *testing.T) {
	s := startSimulated(t)
	s.release()
	e := New(s.client, Options{Regions: []string{fast, held}, MaxStaleness: time.Hour})
	defer e.Close()
	primed := sweepFor(e, time.Minute)
	checkComplete(t, s, region(t, primed, held))

	s.holdAgain()
	long := sweepIn(e, time.Minute)
	waitFor(t, "the long scrape waits on the held region", func() bool { return s.calls(held) == 2 && e.cache.waiters.Load() == 1 })
	short := sweepFor(e, time.Second)
	checkComplete(t, s, region(t, short, fast))
	r := region(t, short, held)
	checkTimedOut(t, e, r, 1)
	if !r.Stale || !slices.Equal(r.Instances, s.fleet(held)) || !r.LastSuccess.Equal(region(t, primed, held).LastSuccess) {
		t.Errorf("%s: stale %v, %d instances, last success %v; want the primed fleet again", held, r.Stale, len(r.Instances), r.LastSuccess)
	}
	s.release()
	checkComplete(t, s, region(t, <-long, held))
}
