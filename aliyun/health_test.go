package aliyun

import (
	"context"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

func TestInstanceHealthListsEveryInstanceWithItsStatusAndHealth(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := simulator.GenerateFleet(region, 250, 31)
	fleet[7].Health = simulator.HealthImpaired
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{region: fleet}})
	sim.SetHealth(region, fleet[249].ID, simulator.HealthMaintaining)
	c, rec := newTestClient(t, ep, []string{region})
	// DescribeInstancesFullStatus has no ZoneId: a zone list still gets
	// the whole region.
	got, err := c.InstanceHealth(context.Background(), region, []string{region + "-a"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]InstanceHealth{}
	for _, in := range sim.Instances(region) {
		h := InstanceHealth{ID: in.ID, Status: in.Status, Health: "Ok"}
		if in.Health != "" {
			h.Health = in.Health
		}
		want[in.ID] = h
	}
	if len(got) != len(want) {
		t.Fatalf("got %d instances, want %d", len(got), len(want))
	}
	for _, g := range got {
		if g != want[g.ID] {
			t.Errorf("got %+v, want %+v", g, want[g.ID])
		}
	}
	if got[7].Health != "Impaired" || got[249].Health != "Maintaining" {
		t.Errorf("health of the changed instances: %+v, %+v", got[7], got[249])
	}
	if n := rec.count(region, "OK"); n != 3 {
		t.Errorf("%d DescribeInstancesFullStatus calls for 250 instances, want 3 pages of 100", n)
	}
}

func TestInstanceHealthOfAnEmptyRegionIsEmpty(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": nil}})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	got, err := c.InstanceHealth(context.Background(), "cn-hangzhou", nil)
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no instances and no error", got, err)
	}
}

func TestAForbiddenActionFailsOnceWithForbiddenRAM(t *testing.T) {
	const region = "cn-hangzhou"
	_, ep := startSim(t, simulator.Config{
		Regions:   map[string][]simulator.Instance{region: simulator.GenerateFleet(region, 5, 1)},
		Forbidden: map[string][]string{region: {ActionDescribeInstancesFullStatus, ActionDescribeInstanceHistoryEvents}},
	})
	c, rec := newTestClient(t, ep, []string{region})
	ctx := context.Background()
	_, healthErr := c.InstanceHealth(ctx, region, nil)
	_, eventsErr := c.InstanceEvents(ctx, region, ActiveEventStatuses, time.Time{})
	for name, err := range map[string]error{"InstanceHealth": healthErr, "InstanceEvents": eventsErr} {
		if code := ErrorCode(err); code != "Forbidden.RAM" {
			t.Errorf("%s: code %q (%v), want Forbidden.RAM", name, code, err)
		}
	}
	if n := rec.count(region, "Forbidden.RAM"); n != 2 {
		t.Errorf("%d attempts refused, want 2: Forbidden.RAM is not retried", n)
	}
	if got, err := c.InstanceStatuses(ctx, region, nil); err != nil || len(got) != 5 {
		t.Errorf("InstanceStatuses: %d instances, %v; want the 5, unaffected", len(got), err)
	}
}
