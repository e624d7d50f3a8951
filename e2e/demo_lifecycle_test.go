package e2e

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// demoCases are the series the demo's lifecycle cases must show, as
// "family key" → value (Unix seconds for times), computed from
// simulator.Demo().
func demoCases() map[string]float64 {
	cfg := simulator.Demo()
	want := map[string]float64{}
	for region, fleet := range cfg.Regions {
		for _, in := range fleet {
			if in.Health == simulator.HealthImpaired {
				want["ecs_instance_health_status "+region+" "+in.ID+" Impaired"] = 1
			}
			for _, l := range in.Locks {
				want["ecs_instance_operation_lock "+region+" "+in.ID+" "+l] = 1
			}
			if in.ChargeType == simulator.ChargePrePaid {
				want["ecs_instance_expire_timestamp_seconds "+region+" "+in.ID] = float64(in.ExpiredTime.Unix())
			}
		}
	}
	for region, events := range cfg.Events {
		for _, e := range events {
			key := strings.Join([]string{region, e.InstanceID, e.ID, e.Type, e.Status}, " ")
			if e.Finished.IsZero() {
				want["ecs_instance_event_not_before_timestamp_seconds "+key] = float64(e.NotBefore.Unix())
			} else {
				want["ecs_instance_event_finish_timestamp_seconds "+key] = float64(e.Finished.Unix())
			}
		}
	}
	return want
}

// demoDiffs lists the cases mfs lacks; times may differ by slack, the time
// between the exporter's Demo() and the test's.
func demoDiffs(mfs map[string]*dto.MetricFamily, want map[string]float64, slack time.Duration) []string {
	keys := map[string][]string{
		"ecs_instance_health_status":                      {"region", "instance_id", "health_status"},
		"ecs_instance_operation_lock":                     {"region", "instance_id", "lock_reason"},
		"ecs_instance_expire_timestamp_seconds":           {"region", "instance_id"},
		"ecs_instance_event_not_before_timestamp_seconds": {"region", "instance_id", "event_id", "event_type", "event_status"},
		"ecs_instance_event_finish_timestamp_seconds":     {"region", "instance_id", "event_id", "event_type", "event_status"},
	}
	var d []string
	for k, w := range want {
		family, key, _ := strings.Cut(k, " ")
		g, ok := testenv.Series(mfs, family, keys[family]...)[key]
		if !ok || math.Abs(g-w) > slack.Seconds() {
			d = append(d, fmt.Sprintf("%s{%s} = %v (present %v), want %v", family, key, g, ok, w))
		}
	}
	slices.Sort(d)
	return d
}

// TestDemoShowsTheLifecycleCases is issue 11's fourth "must show": --demo
// exports the impaired instance, the scheduled maintenance, the failure
// reboot, the expiring subscription and the lock, and / and /status render.
func TestDemoShowsTheLifecycleCases(t *testing.T) {
	trap, hits := proxyTrap(t)
	start := time.Now()
	exp := startExporter(t, testenv.PinnedEnv(t, "HTTP_PROXY="+trap, "HTTPS_PROXY="+trap), "--demo")
	want := demoCases()
	slack := time.Since(start) + 2*time.Minute // expiry is to the minute
	if len(want) != 5 {
		t.Errorf("the demo fleet has %d lifecycle cases, want 5: %v", len(want), want)
	}
	var diffs []string
	_ = testenv.Eventually(30*time.Second, 200*time.Millisecond, func() error {
		_, body := scrape(t, exp.URL+"/metrics")
		if diffs = demoDiffs(testenv.Parse(t, body), want, slack); len(diffs) > 0 {
			return fmt.Errorf("%d missing", len(diffs))
		}
		return nil
	})
	for _, d := range diffs {
		t.Error(d)
	}
	for _, path := range []string{"/", "/status"} {
		code, body := scrape(t, exp.URL+path)
		if code != http.StatusOK || !strings.Contains(string(body), "</html>") {
			t.Errorf("GET %s: HTTP %d, %d bytes:\n%.500s", path, code, len(body), body)
		}
		for _, action := range []string{"DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents", "DescribeInstances"} {
			if path == "/status" && !strings.Contains(string(body), action) {
				t.Errorf("/status does not show the optional collector calling %s:\n%s", action, body)
			}
		}
	}
	if len(diffs) == 0 {
		cases := slices.Sorted(maps.Keys(want))
		t.Logf("--demo shows its %d lifecycle cases: %s", len(cases), strings.Join(cases, "; "))
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}
