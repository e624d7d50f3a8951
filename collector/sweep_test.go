package collector

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCacheTTLIsSaidInHelpAndServesTheSameSweep(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, CacheTTL: time.Hour})
	defer e.Close()
	for range 3 {
		if n := testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "ecs_instance_status"); n != 10 {
			t.Fatalf("got %d status series, want 10", n)
		}
	}
	if got := src.calls.Load(); got != 1 {
		t.Errorf("source called %d times for 3 scrapes within the TTL, want 1", got)
	}
	ch := make(chan *prometheus.Desc, 8)
	e.ScrapeCollector(context.Background()).Describe(ch)
	if d := (<-ch).String(); !strings.Contains(d, "cached sweep up to 1h0m0s") {
		t.Errorf("status HELP does not mention the cache: %s", d)
	}
}

func TestWithoutTTLEveryScrapeSweepsAgain(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	for range 3 {
		testutil.CollectAndCount(e.ScrapeCollector(context.Background()))
	}
	if got := src.calls.Load(); got != 3 {
		t.Errorf("source called %d times for 3 sequential scrapes, want 3", got)
	}
}

func TestConcurrentScrapesShareOneSweep(t *testing.T) {
	src := smallFleet()
	src.gate = make(chan struct{})
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	const scrapes = 20
	var wg sync.WaitGroup
	counts := make([]int, scrapes)
	for i := range scrapes {
		wg.Go(func() {
			counts[i] = testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "ecs_instance_status")
		})
	}
	// Let every scrape reach Sweep before the one sweep in flight finishes.
	waitJoiners(t, e, scrapes)
	close(src.gate)
	wg.Wait()
	if got := src.calls.Load(); got != 1 {
		t.Errorf("source called %d times for %d concurrent scrapes, want 1", got, scrapes)
	}
	for i, n := range counts {
		if n != 10 {
			t.Errorf("scrape %d saw %d status series, want 10", i, n)
		}
	}
}

func TestScrapeThatOutlivesItsDeadlineReportsAndCountsTimeout(t *testing.T) {
	src := smallFleet()
	src.gate = make(chan struct{})
	defer close(src.gate)
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res := e.Sweep(ctx)
	if len(res.Regions) != 1 || aliyun.ErrorCode(res.Regions[0].Err) != aliyun.CodeTimeout {
		t.Fatalf("got %+v, want cn-hangzhou failed with timeout", res.Regions)
	}
	checkTimedOut(t, e, res.Regions[0], 1)
}

func TestZonesArePassedToTheSource(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, Zones: map[string][]string{"cn-hangzhou": {"cn-hangzhou-h"}}})
	defer e.Close()
	e.Sweep(context.Background())
	z, _ := src.zones.Load("cn-hangzhou")
	if got, ok := z.([]string); !ok || len(got) != 1 || got[0] != "cn-hangzhou-h" {
		t.Errorf("source got zones %v, want [cn-hangzhou-h]", z)
	}
}

func TestFailedRegionServesItsLastCompleteResultWithinMaxStaleness(t *testing.T) {
	for _, tc := range []struct {
		name         string
		maxStaleness time.Duration
		wantStatus   int
	}{
		{"within the limit the old fleet is served", time.Hour, 5},
		{"past the limit nothing is served", time.Nanosecond, 0},
		{"zero never serves stale data", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &flakySource{fleet: []aliyun.Instance{{ID: "i-a", Status: "Stopped"}}}
			e := New(src, Options{Regions: []string{"cn-hangzhou"}, MaxStaleness: tc.maxStaleness})
			defer e.Close()
			first := e.Sweep(context.Background())
			src.fail.Store(true)
			reg := scrapeRegistry(t, e, context.Background())
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			var up, last float64 = -1, -1
			for _, mf := range mfs {
				got[mf.GetName()] = len(mf.GetMetric())
				switch mf.GetName() {
				case "ecs_up":
					up = mf.GetMetric()[0].GetGauge().GetValue()
				case "ecs_last_success_timestamp_seconds":
					last = mf.GetMetric()[0].GetGauge().GetValue()
				}
			}
			if got["ecs_instance_status"] != tc.wantStatus {
				t.Errorf("%d status series, want %d", got["ecs_instance_status"], tc.wantStatus)
			}
			if up != 0 {
				t.Errorf("ecs_up = %g, want 0 while the sweep fails", up)
			}
			if want := float64(first.Finished.UnixNano()) / 1e9; last != want {
				t.Errorf("ecs_last_success_timestamp_seconds = %f, want the first sweep's %f", last, want)
			}
		})
	}
}
