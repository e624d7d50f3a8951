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
