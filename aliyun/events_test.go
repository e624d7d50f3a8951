package aliyun

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// eventsFixture is a region with one event in each cycle status, with times
// to the second, and the simulator serving it.
func eventsFixture(t *testing.T) (*simulator.Server, *Client, *recorder, time.Time) {
	t.Helper()
	const region = "cn-hangzhou"
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var events []simulator.Event
	for i, st := range []string{"Scheduled", "Executing", "Inquiring", "Executed", "Avoided", "Canceled", "Failed"} {
		e := simulator.Event{
			ID: "e-" + st, InstanceID: fmt.Sprintf("i-%d", i), Type: simulator.EventSystemMaintenanceReboot, Status: st,
			NotBefore: at.Add(time.Duration(i) * time.Hour), Published: at.Add(-time.Hour), Reason: "maintenance, \"planned\"",
		}
		if slices.Contains(FinishedEventStatuses, st) {
			e.Finished = at.Add(time.Duration(i) * time.Minute)
		}
		events = append(events, e)
	}
	sim, ep := startSim(t, simulator.Config{
		Regions: map[string][]simulator.Instance{region: nil},
		Events:  map[string][]simulator.Event{region: events},
	})
	c, rec := newTestClient(t, ep, []string{region})
	return sim, c, rec, at
}

func eventIDs(events []InstanceEvent) []string {
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	return ids
}

func TestInstanceEventsAsksForTheStatusesItWants(t *testing.T) {
	_, c, _, at := eventsFixture(t)
	tests := []struct {
		name     string
		statuses []string
		since    time.Time
		want     []string
	}{
		{"the active statuses list what is to come", ActiveEventStatuses, time.Time{}, []string{"e-Scheduled", "e-Executing", "e-Inquiring"}},
		{"no statuses lists the finished events, the API's default", nil, time.Time{}, []string{"e-Executed", "e-Avoided", "e-Canceled", "e-Failed"}},
		{"since leaves out events finished before it", FinishedEventStatuses, at.Add(5 * time.Minute), []string{"e-Canceled", "e-Failed"}},
		{"since does not touch active events", []string{"Scheduled", "Failed"}, at.Add(time.Hour), []string{"e-Scheduled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.InstanceEvents(context.Background(), "cn-hangzhou", tt.statuses, tt.since)
			if err != nil {
				t.Fatal(err)
			}
			if ids := eventIDs(got); !slices.Equal(ids, tt.want) {
				t.Errorf("got %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestInstanceEventsReadsEveryField(t *testing.T) {
	_, c, _, at := eventsFixture(t)
	got, err := c.InstanceEvents(context.Background(), "cn-hangzhou", []string{"Scheduled", "Executed"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []InstanceEvent{
		{InstanceID: "i-0", ID: "e-Scheduled", Type: "SystemMaintenance.Reboot", Status: "Scheduled",
			NotBefore: at, Published: at.Add(-time.Hour), Reason: "maintenance, \"planned\""},
		{InstanceID: "i-3", ID: "e-Executed", Type: "SystemMaintenance.Reboot", Status: "Executed",
			NotBefore: at.Add(3 * time.Hour), Published: at.Add(-time.Hour), Finished: at.Add(3 * time.Minute), Reason: "maintenance, \"planned\""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestInstanceEventsPagesWithNextToken(t *testing.T) {
	sim, c, rec, at := eventsFixture(t)
	for i := range 250 {
		sim.PutEvent("cn-hangzhou", simulator.Event{ID: fmt.Sprintf("e-%03d", i), InstanceID: "i-9",
			Type: simulator.EventSystemFailureReboot, Status: "Executed", Finished: at})
	}
	got, err := c.InstanceEvents(context.Background(), "cn-hangzhou", nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 254 {
		t.Errorf("got %d events, want 254", len(got))
	}
	if n := rec.count("cn-hangzhou", "OK"); n != 3 {
		t.Errorf("%d DescribeInstanceHistoryEvents calls for 254 events, want 3 pages of 100", n)
	}
}
