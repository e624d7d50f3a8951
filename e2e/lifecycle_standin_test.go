package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// Regions of the lifecycle stand-in: one with health, expiries and locks,
// one with system events, one whose role may not call the new actions.
const (
	lifeHealth  = "cn-hangzhou"
	lifeEvents  = "eu-central-1"
	lifeRefused = "cn-shanghai"
)

// lifeFleet is the stand-in's fleet file ("regions" object form) and what
// the exporter must show for it, as "region id" (plus " event_id …") keys.
type lifeFleet struct {
	regions map[string]map[string]any
	status  map[string]map[string]string // region → id → status
	health  map[string]map[string]string // region → id → health label
	expiry  map[string]float64           // "region id" → Unix seconds
	locks   map[string]float64           // "region id reason" → 1
	active  map[string]float64           // "region id event type status" → NotBefore
	done    map[string]float64           // same → EventFinishTime
}

// standInInstance is one INSTANCE of the stand-in's fleet file.
func standInInstance(in simulator.Instance) map[string]any {
	return map[string]any{"InstanceId": in.ID, "Status": in.Status, "ZoneId": in.Zone}
}

// newLifeFleet builds the three regions around now (event times to the
// second, expiries to the minute, as the API writes them).
func newLifeFleet(now time.Time) *lifeFleet {
	f := &lifeFleet{regions: map[string]map[string]any{}, status: map[string]map[string]string{},
		health: map[string]map[string]string{}, expiry: map[string]float64{}, locks: map[string]float64{},
		active: map[string]float64{}, done: map[string]float64{}}
	day := 24 * time.Hour
	minute := now.Truncate(time.Minute)
	expiries := map[int]time.Time{5: minute.Add(3 * day), 6: minute.Add(200 * day), 7: minute.Add(-day)}
	healths := map[int][2]string{0: {"Impaired", "Impaired"}, 1: {"Warning", "Warning"}, 2: {"Degraded", "Degraded"},
		3: {"OK", "Ok"}, 4: {"Maintaining", "Maintaining"}}
	locks := map[int][]string{8: {"financial"}, 9: {"security", "recycling"}}
	for region, n := range map[string]int{lifeHealth: 60, lifeEvents: 10, lifeRefused: 15} {
		f.status[region], f.health[region] = map[string]string{}, map[string]string{}
		var items []any
		for i, in := range simulator.GenerateFleet(region, n, int64(len(region)+n)) {
			item := standInInstance(in)
			f.status[region][in.ID], f.health[region][in.ID] = in.Status, "Ok"
			if h, ok := healths[i]; ok && region == lifeHealth {
				item["HealthStatus"], f.health[region][in.ID] = h[0], h[1]
			}
			if at, ok := expiries[i]; ok && region != lifeEvents {
				item["InstanceChargeType"], item["ExpiredTime"] = "PrePaid", at.UTC().Format("2006-01-02T15:04Z")
				f.expiry[region+" "+in.ID] = float64(at.Unix())
			}
			for _, r := range locks[i] {
				f.locks[region+" "+in.ID+" "+r] = 1
			}
			if len(locks[i]) > 0 {
				item["OperationLocks"] = locks[i]
			}
			items = append(items, item)
		}
		f.regions[region] = map[string]any{"instances": items}
	}
	delete(f.health, lifeRefused)
	f.addEvents(now.Truncate(time.Second))
	return f
}

// addEvents gives eu-central-1 events of every kind: active ones, finished
// within the default lookback (24h), and one finished outside it.
func (f *lifeFleet) addEvents(now time.Time) {
	region := lifeEvents
	items := f.regions[region]["instances"].([]any)
	id := func(i int) string { return items[i].(map[string]any)["InstanceId"].(string) }
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
	var events []any
	add := func(i int, ev, typ, cycle string, notBefore, finish time.Time, shown bool) {
		e := map[string]any{"InstanceId": id(i), "EventId": ev, "EventType": typ, "EventCycleStatus": cycle,
			"NotBefore": stamp(notBefore), "EventPublishTime": stamp(now.Add(-72 * time.Hour))}
		key := strings.Join([]string{region, id(i), ev, typ, cycle}, " ")
		if finish.IsZero() {
			f.active[key] = float64(notBefore.Unix())
		} else {
			e["EventFinishTime"] = stamp(finish)
			if shown {
				f.done[key] = float64(finish.Unix())
			}
		}
		events = append(events, e)
	}
	h := time.Hour
	add(0, "e-maint-sched", "SystemMaintenance.Reboot", "Scheduled", now.Add(30*h), time.Time{}, true)
	add(1, "e-maint-inq", "SystemMaintenance.Redeploy", "Inquiring", now.Add(60*h), time.Time{}, true)
	add(2, "e-maint-exec", "SystemMaintenance.Reboot", "Executing", now.Add(-10*time.Minute), time.Time{}, true)
	add(3, "e-fail-reboot", "SystemFailure.Reboot", "Executed", now.Add(-2*h), now.Add(-90*time.Minute), true)
	add(4, "e-avoided", "SystemMaintenance.Reboot", "Avoided", now.Add(-20*h), now.Add(-5*h), true)
	add(5, "e-canceled", "InstanceFailure.Reboot", "Canceled", now.Add(-3*h), now.Add(-150*time.Minute), true)
	add(6, "e-old", "SystemFailure.Reboot", "Executed", now.Add(-31*h), now.Add(-30*h), false)
	f.regions[region]["events"] = events
}

// write writes the fleet file the stand-in reads.
func (f *lifeFleet) write(t *testing.T, path string) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"credentials": map[string]string{standInKey: standInSecret}, "regions": f.regions,
		"forbidden": map[string][]string{lifeRefused: {"DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// currentHealth is region → id → health from the value-1 series.
func currentHealth(mfs map[string]*dto.MetricFamily) (map[string]map[string]string, []string) {
	out, dups := map[string]map[string]string{}, []string{}
	for key, v := range testenv.Series(mfs, "ecs_instance_health_status", "region", "instance_id", "health_status") {
		if v != 1 {
			continue
		}
		f := strings.Fields(key)
		if out[f[0]] == nil {
			out[f[0]] = map[string]string{}
		}
		if prev, ok := out[f[0]][f[1]]; ok {
			dups = append(dups, fmt.Sprintf("%s %s is both %s and %s", f[0], f[1], prev, f[2]))
		}
		out[f[0]][f[1]] = f[2]
	}
	return out, dups
}

// mapDiff lists how got differs from want.
func mapDiff(what string, got, want map[string]float64) []string {
	var d []string
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			d = append(d, fmt.Sprintf("%s %s = %v (present %v), want %v", what, k, g, ok, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("%s %s = %v is not in the fleet", what, k, g))
		}
	}
	return d
}

// diffs is everything the scrape gets wrong about f.
func (f *lifeFleet) diffs(mfs map[string]*dto.MetricFamily) []string {
	var d []string
	statuses, err := currentStatuses(mfs)
	if err != nil {
		d = append(d, err.Error())
	}
	health, dups := currentHealth(mfs)
	d = append(d, dups...)
	for region := range f.status {
		d = append(d, fleetDiff(statuses[region], f.status[region], nil)...)
		d = append(d, fleetDiff(health[region], f.health[region], nil)...)
	}
	events := []string{"region", "instance_id", "event_id", "event_type", "event_status"}
	d = append(d, mapDiff("expiry", testenv.Series(mfs, "ecs_instance_expire_timestamp_seconds", "region", "instance_id"), f.expiry)...)
	d = append(d, mapDiff("lock", testenv.Series(mfs, "ecs_instance_operation_lock", "region", "instance_id", "lock_reason"), f.locks)...)
	d = append(d, mapDiff("active event", testenv.Series(mfs, "ecs_instance_event_not_before_timestamp_seconds", events...), f.active)...)
	d = append(d, mapDiff("finished event", testenv.Series(mfs, "ecs_instance_event_finish_timestamp_seconds", events...), f.done)...)
	want := map[string]float64{}
	for region := range f.status {
		want[region] = 1
		for _, c := range []string{"health", "events", "info"} {
			want[c+" "+region] = map[bool]float64{true: 0, false: 1}[region == lifeRefused && c != "info"]
		}
	}
	for r, v := range testenv.Series(mfs, "ecs_up", "region") {
		if v != want[r] {
			d = append(d, fmt.Sprintf("ecs_up{region=%q} = %g", r, v))
		}
	}
	d = append(d, mapDiff("collector_up", testenv.Series(mfs, "ecs_collector_up", "collector", "region"), subset(want, " "))...)
	slices.Sort(d)
	return d
}

// subset keeps the keys of m that contain sep.
func subset(m map[string]float64, sep string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if strings.Contains(k, sep) {
			out[k] = v
		}
	}
	return out
}

// TestLifecycleIsExactAgainstTheIndependentStandIn is issue 11's first
// "must show": against the Python stand-in, over three regions (one
// refusing both new actions with Forbidden.RAM), health, events, expiry and
// locks are exact, the refusing region's statuses too, and a health change
// shows on the next scrape.
func TestLifecycleIsExactAgainstTheIndependentStandIn(t *testing.T) {
	f := newLifeFleet(time.Now())
	base, d := startStandIn(t, nil, map[string]any{"regions": f.regions,
		"forbidden": map[string][]string{lifeRefused: {"DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"}}})
	fleetFile := d.cmd.Args[slices.Index(d.cmd.Args, "--fleet")+1]
	exp, hits := startExporterOnStandIn(t, base, "--aliyun.region="+lifeHealth, "--aliyun.region="+lifeEvents,
		"--aliyun.region="+lifeRefused, "--collector.health", "--collector.events", "--collector.info")

	var mfs map[string]*dto.MetricFamily
	var diffs []string
	// Events and info are listed in the background: poll until they are in.
	_ = testenv.Eventually(30*time.Second, 200*time.Millisecond, func() error {
		_, body := scrape(t, exp.URL+"/metrics")
		mfs = testenv.Parse(t, body)
		if diffs = f.diffs(mfs); len(diffs) > 0 {
			return fmt.Errorf("%d differences", len(diffs))
		}
		return nil
	})
	for _, s := range diffs {
		t.Error(s)
	}
	refused := testenv.Series(mfs, "ecs_api_requests_total", "action", "region", "code")
	for _, a := range []string{"DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"} {
		if refused[a+" "+lifeRefused+" Forbidden.RAM"] == 0 {
			t.Errorf("no %s Forbidden.RAM counted for %s: %v", a, lifeRefused, refused)
		}
	}
	n := 0
	for _, r := range f.status {
		n += len(r)
	}
	t.Logf("against the Python stand-in: %d instances' status and health (%d in %s refused), %d active and %d finished events (1 outside the lookback left out), %d expiries, %d locks checked",
		n, len(f.status[lifeRefused]), lifeRefused, len(f.active), len(f.done), len(f.expiry), len(f.locks))

	// A health change shows on the next scrape once the stand-in serves it.
	items := f.regions[lifeHealth]["instances"].([]any)
	changed := items[20].(map[string]any)
	changed["HealthStatus"] = "Impaired"
	f.health[lifeHealth][changed["InstanceId"].(string)] = "Impaired"
	var before standInFleet
	if err := readStandIn(base, "fleet", &before); err != nil {
		t.Fatal(err)
	}
	f.write(t, fleetFile)
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := testenv.Eventually(10*time.Second, 50*time.Millisecond, func() error {
		var now standInFleet
		if err := readStandIn(base, "fleet", &now); err != nil || now.Generation <= before.Generation {
			return fmt.Errorf("not reloaded yet (%v)", err)
		}
		return nil
	}); err != nil {
		t.Fatalf("the stand-in did not reload its fleet: %v", err)
	}
	_, body := scrape(t, exp.URL+"/metrics")
	health, _ := currentHealth(testenv.Parse(t, body))
	if got := health[lifeHealth][changed["InstanceId"].(string)]; got != "Impaired" {
		t.Errorf("the scrape after the change shows %s as %q, want Impaired", changed["InstanceId"], got)
	} else {
		t.Logf("%s's change Ok → Impaired showed on the first scrape after the stand-in reloaded", changed["InstanceId"])
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}
