package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

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
