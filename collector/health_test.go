package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const healthHeader = `# HELP ecs_instance_health_status ECS instance health from DescribeInstancesFullStatus as a state set: 1 for the current health status, 0 for the other known ones (Ok, Impaired, Warning, Maintaining, Initializing, InsufficientData, NotApplicable); another value gets a series of its own. Fetched with each sweep.
# TYPE ecs_instance_health_status gauge
`

func mixedHealth() *fakeHealth {
	return &fakeHealth{health: map[string][]aliyun.InstanceHealth{
		"cn-hangzhou": {
			{ID: "i-a", Status: "Running", Health: "Impaired"},
			{ID: "i-b", Status: "Running", Health: "OK"}, // some pages spell it so
			{ID: "i-c", Status: "Running", Health: "Degraded"},
			{ID: "i-a", Status: "Running", Health: "Impaired"}, // repeated by a shifting listing
		},
	}}
}

func TestHealthIsAStateSetKeepingUnknownValuesAndFoldingOK(t *testing.T) {
	for _, tc := range []struct {
		name        string
		onlyCurrent bool
		want        string
	}{
		{"every known value", false, `
ecs_instance_health_status{health_status="Impaired",instance_id="i-a",region="cn-hangzhou"} 1
ecs_instance_health_status{health_status="Initializing",instance_id="i-a",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="InsufficientData",instance_id="i-a",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Maintaining",instance_id="i-a",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="NotApplicable",instance_id="i-a",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Ok",instance_id="i-a",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Warning",instance_id="i-a",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Impaired",instance_id="i-b",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Initializing",instance_id="i-b",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="InsufficientData",instance_id="i-b",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Maintaining",instance_id="i-b",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="NotApplicable",instance_id="i-b",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Ok",instance_id="i-b",region="cn-hangzhou"} 1
ecs_instance_health_status{health_status="Warning",instance_id="i-b",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Degraded",instance_id="i-c",region="cn-hangzhou"} 1
ecs_instance_health_status{health_status="Impaired",instance_id="i-c",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Initializing",instance_id="i-c",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="InsufficientData",instance_id="i-c",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Maintaining",instance_id="i-c",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="NotApplicable",instance_id="i-c",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Ok",instance_id="i-c",region="cn-hangzhou"} 0
ecs_instance_health_status{health_status="Warning",instance_id="i-c",region="cn-hangzhou"} 0
`},
		{"only the current value", true, `
ecs_instance_health_status{health_status="Impaired",instance_id="i-a",region="cn-hangzhou"} 1
ecs_instance_health_status{health_status="Ok",instance_id="i-b",region="cn-hangzhou"} 1
ecs_instance_health_status{health_status="Degraded",instance_id="i-c",region="cn-hangzhou"} 1
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Health: mixedHealth(), OnlyCurrent: tc.onlyCurrent})
			defer e.Close()
			err := testutil.CollectAndCompare(e.ScrapeCollector(context.Background()), strings.NewReader(healthHeader+tc.want), "ecs_instance_health_status")
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A role with only ecs:DescribeInstanceStatus is common: the health call's
// refusal shows in ecs_collector_up alone.
func TestHealthRefusedByRAMLeavesTheStatusSeriesAlone(t *testing.T) {
	health := mixedHealth()
	health.setErr(forbidden)
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou", "us-west-1"}, Health: health, MaxStaleness: time.Hour})
	defer e.Close()
	want := `
# HELP ecs_collector_up 1 if the optional collector's last call for the region succeeded, else 0: health with each sweep, events and info with each background refresh. Never affects ecs_up.
# TYPE ecs_collector_up gauge
ecs_collector_up{collector="health",region="cn-hangzhou"} 0
ecs_collector_up{collector="health",region="us-west-1"} 0
# HELP ecs_instance_status ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped). When a region's sweep fails (ecs_up 0), its last complete result up to 1h0m0s old is served again (--collector.max-staleness).
# TYPE ecs_instance_status gauge
` + smallFleetStateSet + `# HELP ecs_up 1 if the region's sweep for this scrape fetched every page, else 0.
# TYPE ecs_up gauge
ecs_up{region="cn-hangzhou"} 1
ecs_up{region="us-west-1"} 1
`
	reg := scrapeRegistry(t, e, context.Background())
	names := []string{"ecs_up", "ecs_instance_status", "ecs_scrape_errors_total", "ecs_collector_up",
		"ecs_collector_last_success_timestamp_seconds", "ecs_instance_health_status"}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Fatal(err)
	}
}

// Health rides the scrape's deadline; a fetch not done by then fails for
// health alone, and is not a failed region sweep.
func TestHealthNotFinishedByTheDeadlineFailsOnlyHealth(t *testing.T) {
	health := mixedHealth()
	health.block = true
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou"}, Health: health})
	defer e.Close()
	r := sweepFor(e, 100*time.Millisecond).Regions[0]
	if r.Err != nil || len(r.Instances) != 2 {
		t.Errorf("statuses: err %v, %d instances; want the complete fleet", r.Err, len(r.Instances))
	}
	if code := aliyun.ErrorCode(r.Collectors[0].Err); code != aliyun.CodeTimeout {
		t.Errorf("health: %q, want timeout", code)
	}
	if n := testutil.CollectAndCount(e, "ecs_scrape_errors_total"); n != 0 {
		t.Errorf("%d ecs_scrape_errors_total series, want none: health is not the region's sweep", n)
	}
}

// Statuses and health are cached apart: a health refusal does not make
// every scrape list the statuses again.
func TestHealthFailureDoesNotDefeatTheStatusCache(t *testing.T) {
	src, health := smallFleet(), mixedHealth()
	health.setErr(forbidden)
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, Health: health, CacheTTL: time.Hour})
	defer e.Close()
	for range 3 {
		e.Sweep(context.Background())
	}
	if s, h := src.calls.Load(), health.calls.Load(); s != 1 || h != 3 {
		t.Errorf("%d status and %d health calls for 3 scrapes, want 1 (cached) and 3 (a failure is not cached)", s, h)
	}
}
