package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCollectorEmitsExactStateSetsAndRegionHealth(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou", "cn-shanghai", "eu-central-1", "us-west-1"}})
	defer e.Close()
	want := `
# HELP ecs_instance_status ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped).
# TYPE ecs_instance_status gauge
` + smallFleetStateSet + `# HELP ecs_scrape_errors_total Region sweeps that failed, by the error code that ended them: the Alibaba Cloud error Code, or timeout, network, decode, credentials.
# TYPE ecs_scrape_errors_total counter
ecs_scrape_errors_total{code="InvalidRegionId.NotFound",region="cn-shanghai"} 1
# HELP ecs_up 1 if the region's sweep for this scrape fetched every page, else 0.
# TYPE ecs_up gauge
ecs_up{region="cn-hangzhou"} 1
ecs_up{region="cn-shanghai"} 0
ecs_up{region="eu-central-1"} 1
ecs_up{region="us-west-1"} 1
`
	reg := scrapeRegistry(t, e, context.Background())
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), statusOnly...); err != nil {
		t.Fatal(err)
	}
}

func TestCollectorReportsDurationAndLastSuccessOnlyForRegionsThatSucceeded(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou", "cn-shanghai"}})
	defer e.Close()
	reg := scrapeRegistry(t, e, context.Background())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if m.GetTimestampMs() != 0 {
				t.Errorf("%s carries a sample timestamp", mf.GetName())
			}
			for _, l := range m.GetLabel() {
				if l.GetName() == "region" {
					got[mf.GetName()] = append(got[mf.GetName()], l.GetValue())
				}
			}
		}
	}
	if r := got["ecs_scrape_duration_seconds"]; len(r) != 2 {
		t.Errorf("ecs_scrape_duration_seconds regions = %v, want both", r)
	}
	if r := got["ecs_last_success_timestamp_seconds"]; len(r) != 1 || r[0] != "cn-hangzhou" {
		t.Errorf("ecs_last_success_timestamp_seconds regions = %v, want only cn-hangzhou", r)
	}
}

func TestCollectorLintsClean(t *testing.T) {
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou", "cn-shanghai", "us-west-1"}, CacheTTL: time.Minute})
	defer e.Close()
	for _, c := range []prometheus.Collector{e.ScrapeCollector(context.Background()), e, NewRequestMetrics()} {
		problems, err := testutil.CollectAndLint(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("lint: %s: %s", p.Metric, p.Text)
		}
	}
}

func TestOnlyCurrentEmitsOneSeriesPerInstance(t *testing.T) {
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou", "us-west-1"}, OnlyCurrent: true})
	defer e.Close()
	want := `
# HELP ecs_instance_status ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped).
# TYPE ecs_instance_status gauge
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Running"} 1
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Stopped"} 1
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Hibernated"} 1
`
	if err := testutil.CollectAndCompare(e.ScrapeCollector(context.Background()), strings.NewReader(want), "ecs_instance_status"); err != nil {
		t.Fatal(err)
	}
}
