package collector

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fakeInfos serves fixed listings per region; calls wait for gate when it
// is not nil.
type fakeInfos struct {
	infos map[string][]aliyun.InstanceInfo
	gate  chan struct{}
	fail  atomic.Bool
	calls atomic.Int64
}

func (f *fakeInfos) InstanceInfos(ctx context.Context, region string, _ []string) ([]aliyun.InstanceInfo, error) {
	f.calls.Add(1)
	if err := passGate(ctx, f.gate); err != nil {
		return nil, err
	}
	if f.fail.Load() {
		return nil, &aliyun.Error{Code: "Throttling.User", Err: errors.New("throttled")}
	}
	return f.infos[region], nil
}

func awkwardInfos() *fakeInfos {
	return &fakeInfos{infos: map[string][]aliyun.InstanceInfo{
		"cn-hangzhou": {
			{ID: "i-a", Zone: "cn-hangzhou-h", Name: `checkout-db-2 "primary" \ 主库`, Type: "ecs.g7.large",
				ChargeType: "PostPaid", OSType: "linux", Tags: map[string]string{"team": "payments", "cost-center": "42", "secret": "x"}},
			{ID: "i-b", Zone: "cn-hangzhou-i", Name: "web\n1", Type: "ecs.c7.xlarge", ChargeType: "PrePaid", OSType: "windows"},
		},
	}}
}

// waitForInfo scrapes until the background refresh has delivered n series.
func waitForInfo(t *testing.T, e *Exporter, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "ecs_instance_info") == n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("ecs_instance_info never reached %d series", n)
}

func TestInfoMetricCarriesNamesTypesAndAllowlistedTags(t *testing.T) {
	infos := awkwardInfos()
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Info: InfoOptions{
		Source: infos, Refresh: time.Hour, Tags: []string{"team", "cost-center"},
	}})
	defer e.Close()
	waitForInfo(t, e, 2)
	want := `
# HELP ecs_instance_info Information about an ECS instance from DescribeInstances; always 1. Cached: refreshed every 1h0m0s (--collector.info.refresh), so a new or renamed instance can take that long to show.
# TYPE ecs_instance_info gauge
ecs_instance_info{instance_charge_type="PostPaid",instance_id="i-a",instance_name="checkout-db-2 \"primary\" \\ 主库",instance_type="ecs.g7.large",os_type="linux",region="cn-hangzhou",tag_cost_center="42",tag_team="payments",zone="cn-hangzhou-h"} 1
ecs_instance_info{instance_charge_type="PrePaid",instance_id="i-b",instance_name="web\n1",instance_type="ecs.c7.xlarge",os_type="windows",region="cn-hangzhou",tag_cost_center="",tag_team="",zone="cn-hangzhou-i"} 1
`
	if err := testutil.CollectAndCompare(e.ScrapeCollector(context.Background()), strings.NewReader(want), "ecs_instance_info"); err != nil {
		t.Fatal(err)
	}
	if got := infos.calls.Load(); got != 1 {
		t.Errorf("DescribeInstances listed %d times within the refresh interval, want 1", got)
	}
	problems, err := testutil.CollectAndLint(e.ScrapeCollector(context.Background()), "ecs_instance_info")
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

func TestWrittenInfoSeriesAreTheCollectedOnes(t *testing.T) {
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Info: InfoOptions{
		Source: awkwardInfos(), Refresh: time.Hour, Tags: []string{"team", "cost-center"},
	}})
	defer e.Close()
	waitForInfo(t, e, 2)
	got := writtenFamilies(t, e)["ecs_instance_info"]
	want := collectorFamily(t, e, "ecs_instance_info")
	if got == nil || want == nil {
		t.Fatalf("info family missing: written %v, collected %v", got != nil, want != nil)
	}
	sameFamily(t, "ecs_instance_info", got, want)
}

func TestTagLabels(t *testing.T) {
	got, err := TagLabels([]string{"team", "cost-center", "env.name", "Owner", "部门"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"tag_team", "tag_cost_center", "tag_env_name", "tag_Owner", "tag___"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range [][]string{{"cost-center", "cost_center"}, {""}} {
		if _, err := TagLabels(bad); err == nil {
			t.Errorf("TagLabels(%q) accepted", bad)
		}
	}
}
