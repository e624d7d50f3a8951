package collector

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// eventFleet has an event in every cycle status, two finished ones too old
// for the lookback, and an active one without a NotBefore time.
func eventFleet(now time.Time) *fakeEvents {
	due := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := func(inst, id, typ, status string, notBefore, finished time.Time) aliyun.InstanceEvent {
		return aliyun.InstanceEvent{InstanceID: inst, ID: id, Type: typ, Status: status, NotBefore: notBefore, Finished: finished, Reason: "free text, never a label"}
	}
	return &fakeEvents{events: map[string][]aliyun.InstanceEvent{
		"cn-hangzhou": {
			ev("i-a", "e-1", "SystemMaintenance.Reboot", "Scheduled", due, time.Time{}),
			ev("i-a", "e-2", "SystemFailure.Redeploy", "Executing", now.Add(-time.Minute), time.Time{}),
			ev("i-b", "e-3", "InstanceExpiration.Stop", "Inquiring", due.Add(time.Hour), time.Time{}),
			ev("i-b", "e-4", "SystemMaintenance.Reboot", "Scheduled", time.Time{}, time.Time{}),
			ev("i-a", "e-5", "SystemMaintenance.Reboot", "Executed", now.Add(-26*time.Hour), now.Add(-time.Hour)),
			ev("i-b", "e-6", "SystemMaintenance.Redeploy", "Canceled", now.Add(-30*time.Hour), now.Add(-23*time.Hour)),
			ev("i-c", "e-7", "SystemFailure.Stop", "Failed", now.Add(-50*time.Hour), now.Add(-25*time.Hour)),
			ev("i-c", "e-8", "SystemMaintenance.Reboot", "Avoided", now.Add(-50*time.Hour), time.Time{}),
		},
	}}
}

func TestEventsExportActiveOnesAndThoseFinishedWithinTheLookback(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	events := eventFleet(now)
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Events: EventOptions{Source: events, Refresh: time.Hour}})
	defer e.Close()
	ts := func(t time.Time) string { return fmt.Sprint(t.Unix()) }
	want := `
# HELP ecs_instance_event_finish_timestamp_seconds Unix time an ECS system event finished (Executed, Avoided, Canceled, Failed), its EventFinishTime in DescribeInstanceHistoryEvents, for events finished within the last 24h0m0s (--collector.events.lookback). Cached: refreshed every 1h0m0s (--collector.events.refresh).
# TYPE ecs_instance_event_finish_timestamp_seconds gauge
ecs_instance_event_finish_timestamp_seconds{event_id="e-5",event_status="Executed",event_type="SystemMaintenance.Reboot",instance_id="i-a",region="cn-hangzhou"} ` + ts(now.Add(-time.Hour)) + `
ecs_instance_event_finish_timestamp_seconds{event_id="e-6",event_status="Canceled",event_type="SystemMaintenance.Redeploy",instance_id="i-b",region="cn-hangzhou"} ` + ts(now.Add(-23*time.Hour)) + `
# HELP ecs_instance_event_not_before_timestamp_seconds Unix time an active ECS system event (Scheduled, Executing, Inquiring) is due to start, its NotBefore in DescribeInstanceHistoryEvents. Cached: refreshed every 1h0m0s (--collector.events.refresh).
# TYPE ecs_instance_event_not_before_timestamp_seconds gauge
ecs_instance_event_not_before_timestamp_seconds{event_id="e-1",event_status="Scheduled",event_type="SystemMaintenance.Reboot",instance_id="i-a",region="cn-hangzhou"} 1.893553445e+09
ecs_instance_event_not_before_timestamp_seconds{event_id="e-2",event_status="Executing",event_type="SystemFailure.Redeploy",instance_id="i-a",region="cn-hangzhou"} ` + ts(now.Add(-time.Minute)) + `
ecs_instance_event_not_before_timestamp_seconds{event_id="e-3",event_status="Inquiring",event_type="InstanceExpiration.Stop",instance_id="i-b",region="cn-hangzhou"} 1.893557045e+09
`
	err := testutil.CollectAndCompare(e.ScrapeCollector(context.Background()), strings.NewReader(want),
		"ecs_instance_event_not_before_timestamp_seconds", "ecs_instance_event_finish_timestamp_seconds")
	if err != nil {
		t.Fatal(err)
	}
	events.mu.Lock()
	defer events.mu.Unlock()
	if len(events.asked) != 2 {
		t.Fatalf("asked %d times, want twice (active, then finished)", len(events.asked))
	}
	active, done := events.asked[0], events.asked[1]
	if !slices.Equal(active.statuses, aliyun.ActiveEventStatuses) || !active.since.IsZero() {
		t.Errorf("first listing asked for %v since %v, want the active statuses, unbounded", active.statuses, active.since)
	}
	if age := time.Since(done.since); !slices.Equal(done.statuses, aliyun.FinishedEventStatuses) || age < 24*time.Hour || age > 25*time.Hour {
		t.Errorf("second listing asked for %v since %v ago, want the finished statuses since the lookback", done.statuses, age)
	}
}

// The lookback is applied when a scrape reads the listing, not only when
// it is listed: a finished event leaves the series once it is older than
// the lookback, whatever the refresh interval.
func TestFinishedEventsLeaveOnceOlderThanTheLookback(t *testing.T) {
	now := time.Now()
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Events: EventOptions{Source: eventFleet(now), Refresh: time.Hour}})
	defer e.Close()
	e.Sweep(context.Background()) // waits for the first listing
	for _, tc := range []struct {
		later time.Duration
		want  []string
	}{
		{0, []string{"e-1", "e-2", "e-3", "e-5", "e-6"}},
		{2 * time.Hour, []string{"e-1", "e-2", "e-3", "e-5"}},
		{24 * time.Hour, []string{"e-1", "e-2", "e-3"}},
	} {
		r := RegionResult{Region: "cn-hangzhou"}
		e.listers[0].fill(&r, now.Add(tc.later))
		var got []string
		for _, ev := range r.Events {
			got = append(got, ev.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v later: events %v, want %v", tc.later, got, tc.want)
		}
	}
}

func TestMergeEventsKeepsOneEntryPerEventTheLastListingsWinning(t *testing.T) {
	scheduled := aliyun.InstanceEvent{ID: "e-1", Status: "Executing"}
	executed := aliyun.InstanceEvent{ID: "e-1", Status: "Executed"}
	other := aliyun.InstanceEvent{ID: "e-2", Status: "Scheduled"}
	got := mergeEvents([]aliyun.InstanceEvent{scheduled, other}, []aliyun.InstanceEvent{executed})
	if want := []aliyun.InstanceEvent{executed, other}; !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
