package aliyun

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestLimiterLeavesOneRequestOfHeadroomBelowTheAPIBurst(t *testing.T) {
	for qps, want := range map[float64]int{10: 9, 2.5: 2, 1: 1, 0.5: 1} {
		l := newRegionLimiter(qps)
		if got := l.lim.Burst(); got != want || l.lim.Limit() != rate.Limit(qps) {
			t.Errorf("qps %g: limit %g burst %d, want %g %d", qps, l.lim.Limit(), got, qps, want)
		}
	}
	if l := newRegionLimiter(0); l.lim.Limit() != rate.Inf {
		t.Errorf("qps 0: limit %g, want unlimited", l.lim.Limit())
	}
}

func TestLimiterAdaptsToThrottlingAndRecovers(t *testing.T) {
	l := newRegionLimiter(0) // not told the limit
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 10 {
		l.succeeded(t0.Add(time.Duration(i) * 10 * time.Millisecond))
	}
	if l.lim.Limit() != rate.Inf {
		t.Fatalf("limit %g before any throttling, want unlimited", l.lim.Limit())
	}

	// The API accepted 10 requests in the last second, then throttled.
	l.throttled(t0.Add(150 * time.Millisecond))
	if got := l.lim.Limit(); got != 7 || l.lim.Burst() != 1 {
		t.Fatalf("after throttling: limit %g burst %d, want 7 (0.7 x 10 accepted) and 1", got, l.lim.Burst())
	}
	// The rest of the same burst is refused too: no second cut.
	l.throttled(t0.Add(200 * time.Millisecond))
	if got := l.lim.Limit(); got != 7 {
		t.Fatalf("a second throttle within a second cut the rate again to %g", got)
	}
	// Successes within a second of the cut do not raise it yet...
	l.succeeded(t0.Add(900 * time.Millisecond))
	if got := l.lim.Limit(); got != 7 {
		t.Fatalf("limit %g less than a second after the cut, want 7", got)
	}
	// ...later ones raise it by one per second.
	l.succeeded(t0.Add(1200 * time.Millisecond))
	l.succeeded(t0.Add(1300 * time.Millisecond))
	if got := l.lim.Limit(); got != 8 {
		t.Fatalf("limit %g after recovering for a second, want 8", got)
	}
	l.succeeded(t0.Add(2300 * time.Millisecond))
	if got := l.lim.Limit(); got != 9 {
		t.Fatalf("limit %g after recovering for two seconds, want 9", got)
	}
}

func TestLimiterNeverClimbsAboveTheConfiguredRate(t *testing.T) {
	l := newRegionLimiter(10)
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 8 {
		l.succeeded(t0.Add(time.Duration(i) * 100 * time.Millisecond))
	}
	l.throttled(t0.Add(time.Second))
	if got := l.lim.Limit(); got >= 10 {
		t.Fatalf("limit %g after throttling, want below 10", got)
	}
	for s := 2; s < 10; s++ {
		l.succeeded(t0.Add(time.Duration(s) * time.Second))
	}
	if got, burst := l.lim.Limit(), l.lim.Burst(); got != 10 || burst != 9 {
		t.Fatalf("limit %g burst %d after recovering, want the configured 10 and its burst 9", got, burst)
	}
}

func TestThrottlingWithNoRecentSuccessLeavesTheRateAlone(t *testing.T) {
	l := newRegionLimiter(10)
	l.throttled(time.Unix(1_700_000_000, 0))
	if got := l.lim.Limit(); got != 10 {
		t.Fatalf("limit %g, want 10: without accepted requests there is nothing to estimate from", got)
	}
}
