package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// statusOf is the region's status, failing the test when it is missing.
func statusOf(t *testing.T, e *Exporter, region string) RegionStatus {
	t.Helper()
	for _, s := range e.Status() {
		if s.Region == region {
			return s
		}
	}
	t.Fatalf("Status has no region %s", region)
	return RegionStatus{}
}

func TestStatusCountsEachFetchsPagesCallsAndThrottledCalls(t *testing.T) {
	sim, client := simulatedClient(t, simulator.Config{
		Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 120, 1)},
	}, aliyun.Options{Regions: []string{"cn-hangzhou"}, MaxRetries: 3})
	sim.InjectFault("cn-hangzhou", simulator.Fault{Status: 400, Code: "Throttling.User", Times: 1})
	e := New(client, Options{Regions: []string{"cn-hangzhou", "xx-nowhere-1"}})
	defer e.Close()
	e.Sweep(context.Background())

	good := statusOf(t, e, "cn-hangzhou")
	last := good.Sweep.Last()
	if !good.Up() || !good.Serving || good.Stale || last == nil {
		t.Fatalf("cn-hangzhou: %+v, want up and served fresh", good)
	}
	if last.Calls != 4 || last.Pages != 3 || last.Throttled != 1 || last.Instances != 120 {
		t.Errorf("cn-hangzhou's fetch: %d calls, %d pages, %d throttled, %d instances; want 4, 3, 1, 120",
			last.Calls, last.Pages, last.Throttled, last.Instances)
	}
	sum := 0
	for _, n := range good.Sweep.ByStatus {
		sum += n
	}
	if sum != 120 || good.Sweep.LastError != nil {
		t.Errorf("cn-hangzhou: by status %v (sum %d), last error %+v", good.Sweep.ByStatus, sum, good.Sweep.LastError)
	}

	bad := statusOf(t, e, "xx-nowhere-1")
	if bad.Up() || bad.Serving || bad.Sweep.LastError == nil {
		t.Fatalf("xx-nowhere-1: %+v, want down, nothing served, an error", bad)
	}
	if f := bad.Sweep.LastError; f.Code != "InvalidRegionId.NotFound" || !strings.Contains(f.Message, "RegionId") {
		t.Errorf("xx-nowhere-1's error: %+v", f)
	}
	if last := bad.Sweep.Last(); last.Calls != 1 || last.Pages != 0 {
		t.Errorf("xx-nowhere-1's fetch: %+v, want one call and no page", last)
	}
}

func TestStatusKeepsTheLastErrorAndServesStaleWithinMaxStaleness(t *testing.T) {
	src := &flakySource{fleet: []aliyun.Instance{{ID: "i-a", Status: "Running"}, {ID: "i-b", Status: "Stopped"}}}
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, MaxStaleness: time.Hour})
	defer e.Close()
	if s := statusOf(t, e, "cn-hangzhou"); s.Sweep.Last() != nil || s.Serving {
		t.Fatalf("before any sweep: %+v", s)
	}
	e.Sweep(context.Background())
	src.fail.Store(true)
	e.Sweep(context.Background())

	s := statusOf(t, e, "cn-hangzhou")
	if s.Up() || !s.Serving || !s.Stale || s.Sweep.LastError == nil || s.Sweep.LastError.Code != "Throttling.User" {
		t.Fatalf("after a failure: %+v, want down, serving the last fleet stale, with the error", s)
	}
	if age, ok := s.DataAge(time.Now()); !ok || age < 0 || s.Sweep.ByStatus["Running"] != 1 || s.Sweep.ByStatus["Stopped"] != 1 {
		t.Errorf("stale data: age %v (%v), by status %v", age, ok, s.Sweep.ByStatus)
	}

	src.fail.Store(false)
	e.Sweep(context.Background())
	s = statusOf(t, e, "cn-hangzhou")
	if !s.Up() || s.Stale || s.Sweep.LastError == nil || len(s.Sweep.Recent) != 3 {
		t.Fatalf("after recovering: %+v, want up, fresh, the old error kept and 3 recent fetches", s)
	}
	if r := s.Sweep.Recent; r[0].Err != nil || r[1].Err == nil || r[2].Err != nil {
		t.Errorf("recent fetches are not newest first: %+v", r)
	}
}

func TestStatusWithoutMaxStalenessServesNothingAfterAFailure(t *testing.T) {
	src := &flakySource{fleet: []aliyun.Instance{{ID: "i-a", Status: "Running"}}}
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	e.Sweep(context.Background())
	src.fail.Store(true)
	e.Sweep(context.Background())
	if s := statusOf(t, e, "cn-hangzhou"); s.Serving || s.Stale {
		t.Errorf("%+v: want nothing served", s)
	}
	if _, ok := statusOf(t, e, "cn-hangzhou").DataAge(time.Now()); ok {
		t.Error("DataAge says data is served")
	}
}

func TestStatusShowsEachOptionalCollectorsListings(t *testing.T) {
	health := mixedHealth()
	health.setErr(forbidden)
	e := New(smallFleet(), Options{
		Regions: []string{"cn-hangzhou"}, Health: health,
		Events: EventOptions{Source: eventFleet(time.Now()), Refresh: time.Hour},
		Info:   InfoOptions{Source: awkwardInfos(), Refresh: time.Hour},
	})
	defer e.Close()
	e.Sweep(context.Background()) // waits for the first listings
	got := statusOf(t, e, "cn-hangzhou").Collectors
	if len(got) != 3 || got[0].Name != "health" || got[1].Name != "events" || got[2].Name != "info" {
		t.Fatalf("collectors %+v, want health, events, info", got)
	}
	if h := got[0]; h.Up() || h.LastError == nil || h.LastError.Code != "Forbidden.RAM" {
		t.Errorf("health: %+v, want down with Forbidden.RAM", h)
	}
	if ev := got[1]; !ev.Up() || ev.Last().Instances == 0 || ev.ByStatus != nil {
		t.Errorf("events: %+v", ev)
	}
	if info := got[2]; !info.Up() || info.Instances != 2 || info.LastSuccess.IsZero() {
		t.Errorf("info: %+v", info)
	}
	plain := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}})
	defer plain.Close()
	if s := statusOf(t, plain, "cn-hangzhou"); s.Collectors != nil {
		t.Errorf("without optional collectors: %+v", s.Collectors)
	}
}
