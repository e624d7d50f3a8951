package collector

import (
	"context"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// Before, the first scrape after a start had no ecs_instance_info at all:
// the cached collectors now list from the Exporter's creation, and the
// first scrape waits (within its deadline) for a listing still in flight.

// gatedExporter is an Exporter of smallFleet's cn-hangzhou with info and
// event listings, refreshed hourly, whose calls wait for the returned gate.
func gatedExporter() (*Exporter, *fakeInfos, *fakeEvents, chan struct{}) {
	gate := make(chan struct{})
	infos, events := subscriptionInfos(), eventFleet(time.Now())
	infos.gate, events.gate = gate, gate
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"},
		Info: InfoOptions{Source: infos, Refresh: time.Hour}, Events: EventOptions{Source: events, Refresh: time.Hour}})
	return e, infos, events, gate
}

func TestCachedCollectorsStartListingWhenTheExporterIsCreated(t *testing.T) {
	e, infos, events, gate := gatedExporter()
	defer close(gate)
	defer e.Close()
	waitFor(t, "both listings to start before any scrape", func() bool { return infos.calls.Load() == 1 && events.calls.Load() == 1 })
}

func TestFirstScrapeWaitsForTheFirstListingsInFlight(t *testing.T) {
	e, infos, _, gate := gatedExporter()
	defer e.Close()
	scrape := sweepIn(e, time.Minute)
	waitFor(t, "the scrape to wait for the listings", func() bool { return e.cache.waiters.Load() == 1 && infos.calls.Load() == 1 })
	close(gate)
	r := (<-scrape).Regions[0]
	if len(r.Infos) != 5 || len(r.Events) != 5 {
		t.Errorf("first scrape: %d infos and %d events, want the first listings' 5 and 5", len(r.Infos), len(r.Events))
	}
	for _, c := range r.Collectors {
		if c.Err != nil {
			t.Errorf("%s: %v, want up", c.Name, c.Err)
		}
	}
}

func TestFirstScrapeWaitsNoLongerThanItsDeadline(t *testing.T) {
	e, _, _, gate := gatedExporter()
	defer close(gate)
	defer e.Close()
	r := sweepFor(e, 100*time.Millisecond).Regions[0]
	if r.Err != nil || len(r.Instances) != 2 {
		t.Errorf("statuses: err %v, %d instances; want the complete fleet", r.Err, len(r.Instances))
	}
	if len(r.Infos) != 0 || len(r.Events) != 0 || len(r.Collectors) != 2 {
		t.Fatalf("%d infos, %d events, collectors %+v; want none yet, and both collectors down", len(r.Infos), len(r.Events), r.Collectors)
	}
	for _, c := range r.Collectors {
		if aliyun.ErrorCode(c.Err) != aliyun.CodeTimeout || !c.LastSuccess.IsZero() {
			t.Errorf("%s: %v, last success %v; want not listed yet", c.Name, c.Err, c.LastSuccess)
		}
	}
}

func TestNewRegionsAreListedFromWhenTheyAreSet(t *testing.T) {
	infos := subscriptionInfos()
	infos.infos["eu-central-1"] = []aliyun.InstanceInfo{{ID: "i-eu"}}
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Info: InfoOptions{Source: infos, Refresh: time.Hour}})
	defer e.Close()
	waitFor(t, "the first region's listing", func() bool { return infos.calls.Load() == 1 })
	e.SetRegions([]string{"eu-central-1"})
	waitFor(t, "the new region's listing", func() bool { return infos.calls.Load() == 2 })
	res := e.Sweep(context.Background())
	if len(res.Regions) != 1 || len(res.Regions[0].Infos) != 1 || res.Regions[0].Infos[0].ID != "i-eu" {
		t.Errorf("after SetRegions: %+v, want eu-central-1's listing", res.Regions)
	}
}
