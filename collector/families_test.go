package collector

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// everyCollector is an Exporter of awkwardFleet with every optional
// collector on, over values that need escaping.
func everyCollector(t *testing.T, onlyCurrent bool) *Exporter {
	t.Helper()
	infos := awkwardInfos()
	infos.infos["cn-hangzhou"] = append(infos.infos["cn-hangzhou"], subscriptionInfos().infos["cn-hangzhou"]...)
	infos.infos["cn-hangzhou"][1].Locks = []string{`odd "lock"`}
	events := eventFleet(time.Now())
	events.events["cn-hangzhou"][0].Type = "Odd\\type\n"
	health := mixedHealth()
	health.health["cn-hangzhou"] = append(health.health["cn-hangzhou"], aliyun.InstanceHealth{ID: `i-"quoted"`, Health: `Odd "health"`})
	e := New(awkwardFleet(), Options{
		Regions: []string{"cn-hangzhou", "eu-central-1"}, OnlyCurrent: onlyCurrent,
		Health: health, Events: EventOptions{Source: events, Refresh: time.Hour},
		Info: InfoOptions{Source: infos, Refresh: time.Hour, Tags: []string{"team"}},
	})
	t.Cleanup(e.Close)
	return e
}

// The /metrics handler writes the instance families itself and gathers the
// rest from HealthCollector; ScrapeCollector does all of it through
// client_golang. Both must give the same families, series for series.
func TestWrittenFamiliesAreTheCollectedOnes(t *testing.T) {
	for _, onlyCurrent := range []bool{false, true} {
		t.Run(fmt.Sprintf("only-current=%v", onlyCurrent), func(t *testing.T) {
			e := everyCollector(t, onlyCurrent)
			res := e.Sweep(context.Background())
			fast := writtenResult(t, e, res)
			for name, mf := range gathered(t, e.HealthCollector(res)) {
				fast[name] = mf
			}
			collected := gathered(t, &scrape{e: e, res: res, instances: true})
			for _, name := range []string{
				"ecs_instance_status", "ecs_instance_health_status", "ecs_instance_event_not_before_timestamp_seconds",
				"ecs_instance_event_finish_timestamp_seconds", "ecs_instance_info", "ecs_instance_expire_timestamp_seconds",
				"ecs_instance_operation_lock", "ecs_collector_up", "ecs_collector_last_success_timestamp_seconds", "ecs_up",
			} {
				if collected[name] == nil || len(collected[name].GetMetric()) == 0 {
					t.Errorf("%s: no series collected", name)
				}
			}
			for name, want := range collected {
				if fast[name] == nil {
					t.Errorf("%s: not written", name)
					continue
				}
				sameFamily(t, name, fast[name], want)
			}
			for name, mf := range fast {
				if collected[name] == nil && len(mf.GetMetric()) > 0 {
					t.Errorf("%s: written but not collected", name)
				}
			}
		})
	}
}

func TestEveryCollectorLintsClean(t *testing.T) {
	e := everyCollector(t, false)
	problems, err := testutil.CollectAndLint(e.ScrapeCollector(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}
