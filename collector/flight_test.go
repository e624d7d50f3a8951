package collector

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// scriptedSource answers each call to InstanceStatuses with the next of
// its steps, in order; calls past the last get the last step.
type scriptedSource struct {
	steps []func(ctx context.Context) ([]aliyun.Instance, error)
	calls atomic.Int64
}

func (s *scriptedSource) InstanceStatuses(ctx context.Context, _ string, _ []string) ([]aliyun.Instance, error) {
	n := int(s.calls.Add(1))
	return s.steps[min(n, len(s.steps))-1](ctx)
}

var oneInstance = []aliyun.Instance{{ID: "i-a", Status: "Running"}}

func answer(context.Context) ([]aliyun.Instance, error) { return oneInstance, nil }

// flightsInCache is the number of fetches in flight.
func flightsInCache(e *Exporter) int {
	e.cache.mu.Lock()
	defer e.cache.mu.Unlock()
	return len(e.cache.flights)
}

// A fetch cut short may take a while to return; a scrape arriving then
// starts a fetch of its own instead of waiting for the cut one.
func TestScrapeAfterACutDoesNotWaitForTheCutFetch(t *testing.T) {
	unwound := make(chan struct{})
	src := &scriptedSource{steps: []func(context.Context) ([]aliyun.Instance, error){
		func(ctx context.Context) ([]aliyun.Instance, error) {
			<-ctx.Done()
			<-unwound // slow to give up
			return nil, &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}
		},
		answer,
	}}
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	defer close(unwound)
	first := sweepFor(e, 100*time.Millisecond)
	checkTimedOut(t, e, first.Regions[0], 1)

	second := sweepFor(e, time.Minute)
	if r := second.Regions[0]; r.Err != nil || len(r.Instances) != 1 {
		t.Errorf("second scrape: %+v, want the second call's answer", r)
	}
	if n := src.calls.Load(); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

// An API failure reaches every scrape that joined its fetch, counted once,
// and is not served again from the cache.
func TestAPIFailureIsSharedWithItsJoinersButNotCached(t *testing.T) {
	gate := make(chan struct{})
	throttled := &aliyun.Error{Code: "Throttling.User", HTTPStatus: 400, Err: errors.New("throttled")}
	src := &scriptedSource{steps: []func(context.Context) ([]aliyun.Instance, error){
		func(context.Context) ([]aliyun.Instance, error) { <-gate; return nil, throttled },
		answer,
	}}
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, CacheTTL: time.Hour})
	defer e.Close()
	a, b := sweepIn(e, time.Minute), sweepIn(e, time.Minute)
	waitFor(t, "both scrapes wait", func() bool { return e.cache.waiters.Load() == 2 })
	close(gate)
	for _, res := range []*Result{<-a, <-b} {
		if code := aliyun.ErrorCode(res.Regions[0].Err); code != "Throttling.User" {
			t.Errorf("a joiner got %q, want Throttling.User", code)
		}
	}
	if n := testutil.ToFloat64(e.scrapeErrors.WithLabelValues("cn-hangzhou", "Throttling.User")); n != 1 {
		t.Errorf("counted %g times, want once", n)
	}
	if r := sweepFor(e, time.Minute).Regions[0]; r.Err != nil {
		t.Errorf("the next scrape got %v, want a fresh fetch", r.Err)
	}
	if n := src.calls.Load(); n != 2 {
		t.Errorf("%d calls, want 2: a failure is not cached", n)
	}
}

// A scrape without a deadline that stops waiting (its client went away)
// cuts the fetch if no other scrape holds it.
func TestFetchEndsWhenTheLastScrapeWithoutADeadlineLeaves(t *testing.T) {
	src := &scriptedSource{steps: []func(context.Context) ([]aliyun.Instance, error){
		func(ctx context.Context) ([]aliyun.Instance, error) {
			<-ctx.Done()
			return nil, &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}
		},
	}}
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *Result, 1)
	go func() { done <- e.Sweep(ctx) }()
	waitFor(t, "the scrape waits", func() bool { return e.cache.waiters.Load() == 1 })
	cancel()
	if r := (<-done).Regions[0]; aliyun.ErrorCode(r.Err) != aliyun.CodeTimeout {
		t.Errorf("got %v, want timeout", r.Err)
	}
	waitFor(t, "the fetch ends", func() bool { return flightsInCache(e) == 0 })
}
