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
	for _, step := range []struct {
		what      string
		throttled bool
		at        []time.Duration // one event at each offset from t0
		want      rate.Limit
	}{
		{"the API accepted 10 requests in the last second, then throttled: 0.7 x 10", true, []time.Duration{150 * time.Millisecond}, 7},
		{"the rest of the same burst is refused too: no second cut", true, []time.Duration{200 * time.Millisecond}, 7},
		{"successes within a second of the cut do not raise it yet", false, []time.Duration{900 * time.Millisecond}, 7},
		{"later ones raise it by one after a second", false, []time.Duration{1200 * time.Millisecond, 1300 * time.Millisecond}, 8},
		{"and by one more after two seconds", false, []time.Duration{2300 * time.Millisecond}, 9},
	} {
		for _, at := range step.at {
			if step.throttled {
				l.throttled(t0.Add(at))
			} else {
				l.succeeded(t0.Add(at))
			}
		}
		if got := l.lim.Limit(); got != step.want {
			t.Fatalf("%s: limit %g, want %g", step.what, got, step.want)
		}
		if step.throttled && l.lim.Burst() != 1 {
			t.Fatalf("%s: burst %d, want 1 after throttling", step.what, l.lim.Burst())
		}
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
