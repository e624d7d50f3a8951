package aliyun

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

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
	_, _, ep := startFleet(t, 30, 22)
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

func TestInstanceInfosReadsExpiryOnlyForSubscriptionsAndLocks(t *testing.T) {
	expires := time.Date(2030, 3, 4, 5, 6, 0, 0, time.UTC)
	fleet := []simulator.Instance{
		{ID: "i-postpaid", Zone: "cn-hangzhou-a", Status: "Running", ExpiredTime: expires},
		{ID: "i-prepaid", Zone: "cn-hangzhou-a", Status: "Running", ChargeType: "PrePaid", ExpiredTime: expires},
		{ID: "i-prepaid-placeholder", Zone: "cn-hangzhou-a", Status: "Running", ChargeType: "PrePaid"},
		{ID: "i-locked", Zone: "cn-hangzhou-a", Status: "Stopped", Locks: []string{"financial", "security"}},
	}
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	got, err := c.InstanceInfos(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		charge  string
		expires time.Time
		locks   []string
	}{
		"i-postpaid":            {"PostPaid", time.Time{}, nil},
		"i-prepaid":             {"PrePaid", expires, nil},
		"i-prepaid-placeholder": {"PrePaid", time.Time{}, nil},
		"i-locked":              {"PostPaid", time.Time{}, []string{"financial", "security"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d instances, want %d", len(got), len(want))
	}
	for _, g := range got {
		w := want[g.ID]
		if g.ChargeType != w.charge || !g.Expires.Equal(w.expires) || !slices.Equal(g.Locks, w.locks) {
			t.Errorf("%s: ChargeType %q Expires %v Locks %v, want %q %v %v", g.ID, g.ChargeType, g.Expires, g.Locks, w.charge, w.expires, w.locks)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	tests := []struct {
		name, charge, expired string
		want                  time.Time
	}{
		{"a subscription's ExpiredTime, to the minute", "PrePaid", "2030-03-04T05:06Z", time.Date(2030, 3, 4, 5, 6, 0, 0, time.UTC)},
		{"a subscription's ExpiredTime, to the second", "PrePaid", "2030-03-04T05:06:07Z", time.Date(2030, 3, 4, 5, 6, 7, 0, time.UTC)},
		{"an offset is read as the instant it names", "PrePaid", "2030-03-04T13:06+08:00", time.Date(2030, 3, 4, 5, 6, 0, 0, time.UTC)},
		{"the far-future placeholder is no expiry", "PrePaid", "2099-12-31T15:59Z", time.Time{}},
		{"pay-as-you-go never expires", "PostPaid", "2030-03-04T05:06Z", time.Time{}},
		{"a missing ExpiredTime is no expiry", "PrePaid", "", time.Time{}},
		{"an unparsable ExpiredTime is no expiry", "PrePaid", "next Tuesday", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseExpiry(tt.charge, tt.expired); !got.Equal(tt.want) {
				t.Errorf("parseExpiry(%q, %q) = %v, want %v", tt.charge, tt.expired, got, tt.want)
			}
		})
	}
}
