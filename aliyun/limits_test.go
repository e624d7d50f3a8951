package aliyun

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// fakeRequester answers every request with err and records what it saw of
// the limits while it ran.
type fakeRequester struct {
	err                    *Error
	calls                  int
	regionHeld, globalHeld int
	region, global         chan struct{}
}

func (f *fakeRequester) do(context.Context, apiRequest) *Error {
	f.calls++
	f.regionHeld, f.globalHeld = len(f.region), len(f.global)
	return f.err
}

func newLimited(qps float64, regionSlots, globalSlots int, err *Error) (*limitedRequester, *fakeRequester) {
	region, global := make(chan struct{}, regionSlots), make(chan struct{}, globalSlots)
	next := &fakeRequester{err: err, region: region, global: global}
	return &limitedRequester{limiter: newRegionLimiter(qps), region: region, global: global, next: next}, next
}

func TestLimitsHoldARegionAndAGlobalSlotWhileTheRequestRuns(t *testing.T) {
	l, next := newLimited(0, 2, 4, nil)
	if err := l.do(context.Background(), apiRequest{}); err != nil {
		t.Fatal(err)
	}
	if next.calls != 1 || next.regionHeld != 1 || next.globalHeld != 1 {
		t.Errorf("calls %d, region slots held %d, global %d; want 1, 1, 1", next.calls, next.regionHeld, next.globalHeld)
	}
	if len(l.region) != 0 || len(l.global) != 0 {
		t.Errorf("after the request %d region and %d global slots are still held", len(l.region), len(l.global))
	}
}

func TestLimitsWaitForTheRegionSlotBeforeTakingAGlobalOne(t *testing.T) {
	l, next := newLimited(0, 1, 4, nil)
	l.region <- struct{}{} // the region's share is in use
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := l.do(ctx, apiRequest{})
	if err == nil || err.Code != CodeTimeout || !strings.Contains(err.Error(), "waiting for a request slot") {
		t.Fatalf("got %v, want a timeout waiting for a request slot", err)
	}
	if next.calls != 0 || len(l.global) != 0 {
		t.Errorf("calls %d, global slots held %d; want 0 and 0: a blocked region takes nothing from the others", next.calls, len(l.global))
	}
}

func TestLimitsFeedTheOutcomeBackToTheRateLimiter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       *Error
		wantLower bool
	}{
		{"a throttled request lowers the rate", &Error{Code: "Throttling.User"}, true},
		{"another failure leaves the rate alone", &Error{Code: "InvalidRegionId.NotFound"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, next := newLimited(0, 1, 1, nil)
			for range 10 {
				if err := l.do(context.Background(), apiRequest{}); err != nil {
					t.Fatal(err)
				}
			}
			next.err = tc.err
			if err := l.do(context.Background(), apiRequest{}); err != tc.err {
				t.Fatalf("got %v, want the next layer's %v", err, tc.err)
			}
			if lowered := l.limiter.lim.Limit() != rate.Inf; lowered != tc.wantLower {
				t.Errorf("limit %g after %s, lowered %v, want %v", l.limiter.lim.Limit(), tc.err.Code, lowered, tc.wantLower)
			}
		})
	}
}
