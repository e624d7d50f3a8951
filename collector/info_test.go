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

// subscriptionInfos has a subscription, pay-as-you-go instances with and
// without the far-future placeholder, and locks (one repeated).
func subscriptionInfos() *fakeInfos {
	expires := time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)
	placeholder := time.Date(2099, 12, 31, 15, 59, 0, 0, time.UTC)
	return &fakeInfos{infos: map[string][]aliyun.InstanceInfo{
		"cn-hangzhou": {
			{ID: "i-sub", ChargeType: "PrePaid", Expires: expires, Locks: []string{"financial"}},
			{ID: "i-payg", ChargeType: "PostPaid", Expires: placeholder},
			{ID: "i-plain", ChargeType: "PostPaid"},
			{ID: "i-locked", ChargeType: "PostPaid", Locks: []string{"security", "recycling", "security"}},
			{ID: "i-sub-unknown", ChargeType: "PrePaid"},
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

func TestExpiryIsExportedForSubscriptionsOnlyAndEveryLockOnce(t *testing.T) {
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Info: InfoOptions{Source: subscriptionInfos(), Refresh: time.Hour}})
	defer e.Close()
	want := `
# HELP ecs_instance_expire_timestamp_seconds Unix time a subscription (PrePaid) ECS instance expires, ExpiredTime of DescribeInstances; pay-as-you-go instances have none. Cached: refreshed every 1h0m0s (--collector.info.refresh).
# TYPE ecs_instance_expire_timestamp_seconds gauge
ecs_instance_expire_timestamp_seconds{instance_id="i-sub",region="cn-hangzhou"} 1772380800
# HELP ecs_instance_operation_lock 1 for each operation lock on an ECS instance (OperationLocks of DescribeInstances), by its reason, e.g. financial or security. Cached: refreshed every 1h0m0s (--collector.info.refresh).
# TYPE ecs_instance_operation_lock gauge
ecs_instance_operation_lock{instance_id="i-locked",lock_reason="recycling",region="cn-hangzhou"} 1
ecs_instance_operation_lock{instance_id="i-locked",lock_reason="security",region="cn-hangzhou"} 1
ecs_instance_operation_lock{instance_id="i-sub",lock_reason="financial",region="cn-hangzhou"} 1
`
	err := testutil.CollectAndCompare(e.ScrapeCollector(context.Background()), strings.NewReader(want),
		"ecs_instance_expire_timestamp_seconds", "ecs_instance_operation_lock")
	if err != nil {
		t.Fatal(err)
	}
}

func TestInfoCollectorReportsItsHealthPerRegion(t *testing.T) {
	infos := subscriptionInfos()
	infos.infos["eu-central-1"] = nil
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou", "eu-central-1"}, Info: InfoOptions{Source: infos, Refresh: time.Hour}})
	defer e.Close()
	res := e.Sweep(context.Background())
	for _, r := range res.Regions {
		if len(r.Collectors) != 1 || r.Collectors[0].Name != "info" || r.Collectors[0].Err != nil || r.Collectors[0].LastSuccess.IsZero() {
			t.Errorf("%s: collectors %+v, want info up with a last success", r.Region, r.Collectors)
		}
	}
	want := `
# HELP ecs_collector_up 1 if the optional collector's last call for the region succeeded, else 0: health with each sweep, events and info with each background refresh. Never affects ecs_up.
# TYPE ecs_collector_up gauge
ecs_collector_up{collector="info",region="cn-hangzhou"} 1
ecs_collector_up{collector="info",region="eu-central-1"} 1
`
	if err := testutil.CollectAndCompare(e.HealthCollector(res), strings.NewReader(want), "ecs_collector_up"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(e.HealthCollector(res), "ecs_collector_last_success_timestamp_seconds"); n != 2 {
		t.Errorf("%d last-success series, want one per region", n)
	}
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
