package collector

import (
	"context"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// staleListing fails one listing after a first success, under
// --collector.max-staleness maxStaleness, and checks that the failure is
// reported and that want series (or items) of the last success are served.
type staleListing func(t *testing.T, maxStaleness time.Duration, want int)

// Every listing, the sweep and each optional collector's, serves its last
// complete result after a failure up to --collector.max-staleness, and
// never with 0.
func TestAFailedListingServesItsLastCompleteResultWithinMaxStaleness(t *testing.T) {
	for _, tc := range []struct {
		name         string
		listing      staleListing
		maxStaleness time.Duration
		want         int
	}{
		{"sweep: within the limit the old fleet is served", staleSweep, time.Hour, 5},
		{"sweep: past the limit nothing is served", staleSweep, time.Nanosecond, 0},
		{"sweep: zero never serves stale data", staleSweep, 0, 0},
		{"health: within the limit the old health is served", staleHealth, time.Hour, 3},
		{"health: zero never serves stale health", staleHealth, 0, 0},
		{"info: within the limit the previous listing is served", staleInfo, time.Hour, 2},
		{"info: zero never serves a listing after a failed refresh", staleInfo, 0, 0},
		{"events: within the limit the last listing is served", staleEvents, time.Hour, 5},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.listing(t, tc.maxStaleness, tc.want) })
	}
}

// staleSweep: a failed region sweep serves want status series, with ecs_up
// 0 and the first sweep's last-success time.
func staleSweep(t *testing.T, maxStaleness time.Duration, want int) {
	src := &flakySource{fleet: []aliyun.Instance{{ID: "i-a", Status: "Stopped"}}}
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, MaxStaleness: maxStaleness})
	defer e.Close()
	first := e.Sweep(context.Background())
	src.fail.Store(true)
	mfs, err := scrapeRegistry(t, e, context.Background()).Gather()
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
	if got["ecs_instance_status"] != want {
		t.Errorf("%d status series, want %d", got["ecs_instance_status"], want)
	}
	if up != 0 {
		t.Errorf("ecs_up = %g, want 0 while the sweep fails", up)
	}
	if w := float64(first.Finished.UnixNano()) / 1e9; last != w {
		t.Errorf("ecs_last_success_timestamp_seconds = %f, want the first sweep's %f", last, w)
	}
}

// staleHealth: a failed health fetch serves the last complete health, as a
// failed status sweep does, with ecs_collector_up 0 and the last success's
// time; the statuses are untouched.
func staleHealth(t *testing.T, maxStaleness time.Duration, want int) {
	health := mixedHealth()
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Health: health, MaxStaleness: maxStaleness})
	defer e.Close()
	first := e.Sweep(context.Background()).Regions[0]
	health.setErr(forbidden)
	r := e.Sweep(context.Background()).Regions[0]
	if r.Err != nil || len(r.Instances) != 2 {
		t.Errorf("statuses: err %v, %d instances; want the complete fleet", r.Err, len(r.Instances))
	}
	if len(r.Health) != want {
		t.Errorf("%d instances' health, want %d", len(r.Health), want)
	}
	st, was := r.Collectors[0], first.Collectors[0]
	if st.Name != "health" || aliyun.ErrorCode(st.Err) != "Forbidden.RAM" || was.Err != nil {
		t.Errorf("health status %+v after %+v, want Forbidden.RAM after success", st, was)
	}
	if st.LastSuccess.IsZero() || !st.LastSuccess.Equal(was.LastSuccess) {
		t.Errorf("last success %v, want the first fetch's %v", st.LastSuccess, was.LastSuccess)
	}
}

// staleInfo: a failed refresh keeps the last good listing past its refresh
// interval, and reports ecs_collector_up{collector="info"} 0.
func staleInfo(t *testing.T, maxStaleness time.Duration, want int) {
	infos := awkwardInfos()
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, MaxStaleness: maxStaleness,
		Info: InfoOptions{Source: infos, Refresh: time.Millisecond}})
	defer e.Close()
	waitForInfo(t, e, 2)
	infos.fail.Store(true)
	before := infos.calls.Load()
	waitFor(t, "two failed refreshes", func() bool { return infos.calls.Load() >= before+2 })
	waitFor(t, "the listing's staleness limit", func() bool {
		return testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "ecs_instance_info") == want
	})
	r := e.Sweep(context.Background()).Regions[0]
	if n := len(r.Infos); n != want {
		t.Errorf("%d infos after failed refreshes, want %d", n, want)
	}
	if st := r.Collectors[0]; st.Name != "info" || aliyun.ErrorCode(st.Err) != "Throttling.User" || st.LastSuccess.IsZero() {
		t.Errorf("info collector status %+v, want the refresh's Throttling.User and the last success", st)
	}
}

// staleEvents: a failed event refresh keeps the last listing and reports
// the failure, and the region's sweep is untouched.
func staleEvents(t *testing.T, maxStaleness time.Duration, want int) {
	events := eventFleet(time.Now())
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, MaxStaleness: maxStaleness,
		Events: EventOptions{Source: events, Refresh: time.Millisecond}})
	defer e.Close()
	if r := e.Sweep(context.Background()).Regions[0]; len(r.Events) != 5 || r.Collectors[0].Err != nil {
		t.Fatalf("first scrape: %d events, status %+v; want 5 and success", len(r.Events), r.Collectors[0])
	}
	events.setErr(&aliyun.Error{Code: "Throttling.User", HTTPStatus: 400})
	before := events.calls.Load()
	waitFor(t, "a failed refresh", func() bool { return events.calls.Load() > before })
	var r RegionResult
	waitFor(t, "the failure to show", func() bool {
		r = e.Sweep(context.Background()).Regions[0]
		return r.Collectors[0].Err != nil
	})
	if st := r.Collectors[0]; st.Name != "events" || aliyun.ErrorCode(st.Err) != "Throttling.User" || st.LastSuccess.IsZero() {
		t.Errorf("events status %+v, want Throttling.User and the last success", st)
	}
	if len(r.Events) != want || r.Err != nil {
		t.Errorf("%d events and region error %v, want the last %d served and the sweep untouched", len(r.Events), r.Err, want)
	}
}
