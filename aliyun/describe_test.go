package aliyun

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

func TestInstanceInfosPagesWithNextToken(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 250, 21)
	// Names and tags a label value must carry through unchanged.
	fleet[0].Name = `db "primary" \ 主库`
	fleet[0].Tags = map[string]string{"team": "pay\nments", "env": "prod", "cost-center": "42"}
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"})
	got, err := c.InstanceInfos(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(fleet) {
		t.Fatalf("got %d instances, want %d", len(got), len(fleet))
	}
	want := map[string]simulator.Instance{}
	for _, in := range sim.Instances("cn-hangzhou") {
		want[in.ID] = in
	}
	for _, g := range got {
		w := want[g.ID]
		if g.Name != w.Name || g.Type != w.Type || g.Zone != w.Zone || !maps.Equal(g.Tags, w.Tags) {
			t.Errorf("%s: got %+v, want %+v", g.ID, g, w)
		}
	}
	if n := rec.count("cn-hangzhou", "OK"); n != 3 {
		t.Errorf("%d DescribeInstances calls for 250 instances, want 3 pages of 100", n)
	}
}

func TestInstanceInfosRestrictedToZones(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 30, 22)
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	got, err := c.InstanceInfos(context.Background(), "cn-hangzhou", []string{"cn-hangzhou-a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("got %d instances in cn-hangzhou-a, want 10", len(got))
	}
	for _, g := range got {
		if g.Zone != "cn-hangzhou-a" {
			t.Errorf("%s is in %s", g.ID, g.Zone)
		}
	}
}

func TestRegionsListsTheAccountsRegions(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{
		"cn-hangzhou": {}, "eu-central-1": {}, "us-west-1": {},
	}})
	c, _ := newTestClient(t, ep, nil)
	got, err := c.Regions(context.Background(), "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"cn-hangzhou", "eu-central-1", "us-west-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
