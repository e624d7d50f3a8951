package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// lifecycleMarks are what markLifecycle marked: for each of issue 11's five
// alerts the instances it must fire for, and the subscription 200 days away
// that EcsInstanceExpiringSoon must leave alone.
type lifecycleMarks struct {
	want map[string][]string // alert → instance IDs, sorted
	far  string
}

// markLifecycle marks instances 1–10 of the stack's healthy region (0 is
// the one the stop test stops) and returns their system events: one
// Impaired, one financially locked, PrePaid subscriptions 3 and 200 days
// away, a SystemMaintenance.Reboot Scheduled in 24h and a
// SystemMaintenance.Redeploy Inquiring in 30h (both alert), one 5 days away
// (no alert), a SystemFailure.Reboot Executed 20 minutes ago (alerts) and
// one Avoided (no alert).
func markLifecycle(fleet []simulator.Instance, now time.Time) ([]simulator.Event, lifecycleMarks) {
	now = now.UTC().Truncate(time.Second)
	day := 24 * time.Hour
	fleet[1].Health = simulator.HealthImpaired
	fleet[2].Locks = []string{"financial"}
	fleet[3].ChargeType, fleet[3].ExpiredTime = simulator.ChargePrePaid, now.Add(3*day).Truncate(time.Minute)
	fleet[4].ChargeType, fleet[4].ExpiredTime = simulator.ChargePrePaid, now.Add(200*day).Truncate(time.Minute)
	event := func(i int, typ, status string, notBefore, finished time.Time) simulator.Event {
		return simulator.Event{ID: fmt.Sprintf("e-stack-%d", i), InstanceID: fleet[i].ID, Type: typ, Status: status,
			NotBefore: notBefore, Published: now.Add(-time.Hour), Finished: finished}
	}
	events := []simulator.Event{
		event(5, simulator.EventSystemMaintenanceReboot, simulator.EventScheduled, now.Add(day), time.Time{}),
		event(6, "SystemMaintenance.Redeploy", simulator.EventInquiring, now.Add(30*time.Hour), time.Time{}),
		event(7, simulator.EventSystemMaintenanceReboot, simulator.EventScheduled, now.Add(5*day), time.Time{}),
		event(8, simulator.EventSystemFailureReboot, simulator.EventExecuted, now.Add(-25*time.Minute), now.Add(-20*time.Minute)),
		event(9, simulator.EventSystemFailureReboot, simulator.EventAvoided, now.Add(-40*time.Minute), now.Add(-30*time.Minute)),
	}
	return events, lifecycleMarks{far: fleet[4].ID, want: map[string][]string{
		"EcsInstanceImpaired":             {fleet[1].ID},
		"EcsInstanceLocked":               {fleet[2].ID},
		"EcsInstanceExpiringSoon":         {fleet[3].ID},
		"EcsInstanceMaintenanceScheduled": sorted(fleet[5].ID, fleet[6].ID),
		"EcsInstanceUnplannedRestart":     {fleet[8].ID},
	}}
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// fired is, for each firing notification of alert received, the instance
// IDs it named (in regionHealthy; another region is named as "id@region")
// and when each first arrived.
func (w *webhook) fired(alert string) map[string]time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]time.Time{}
	for _, m := range w.msgs {
		for _, a := range m.Alerts {
			if a.Status != "firing" || a.Labels["alertname"] != alert {
				continue
			}
			id := a.Labels["instance_id"]
			if a.Labels["region"] != regionHealthy {
				id += "@" + a.Labels["region"]
			}
			if _, seen := out[id]; !seen {
				out[id] = m.Received
			}
		}
	}
	return out
}

// testLifecycleAlerts waits for each of issue 11's five alerts to reach the
// webhook for exactly the marked instances.
func (s *stack) testLifecycleAlerts(t *testing.T) {
	for _, alert := range slices.Sorted(maps.Keys(s.marks.want)) {
		want := s.marks.want[alert]
		err := testenv.Eventually(time.Minute, 100*time.Millisecond, func() error {
			if got := slices.Sorted(maps.Keys(s.webhook.fired(alert))); !slices.Equal(got, want) {
				return fmt.Errorf("%s fired for %v, want %v", alert, got, want)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%v; notifications received:\n%s", err, s.webhook)
			continue
		}
		var delays []string
		for id, at := range s.webhook.fired(alert) {
			delays = append(delays, fmt.Sprintf("%s after %.1fs", id, at.Sub(s.started).Seconds()))
		}
		slices.Sort(delays)
		t.Logf("%s reached the webhook for exactly %s from the stack's start (Prometheus and Alertmanager start-up included; for %s, group_wait %s)",
			alert, strings.Join(delays, ", "), stackFor, stackWait)
	}
}

// testFarSubscriptionStaysSilent checks, at the end of the run, that
// EcsInstanceExpiringSoon never fired nor went pending for the subscription
// 200 days away, nor for an instance that was not marked.
func (s *stack) testFarSubscriptionStaysSilent(t *testing.T) {
	if at, ok := s.webhook.fired("EcsInstanceExpiringSoon")[s.marks.far]; ok {
		t.Errorf("EcsInstanceExpiringSoon fired for %s, 200 days from expiry, at %s", s.marks.far, at)
	}
	for _, alert := range slices.Sorted(maps.Keys(s.marks.want)) {
		if got := slices.Sorted(maps.Keys(s.webhook.fired(alert))); !slices.Equal(got, s.marks.want[alert]) {
			t.Errorf("over the whole run %s fired for %v, want %v", alert, got, s.marks.want[alert])
		}
	}
	q := fmt.Sprintf(`ALERTS{alertname="EcsInstanceExpiringSoon", instance_id=%q}`, s.marks.far)
	if r, err := s.prom.query(q, time.Since(s.started)); err != nil || len(r) != 0 {
		t.Errorf("%s over the run: %v, %v; want no series", q, r, err)
	}
	t.Logf("EcsInstanceExpiringSoon stayed silent for %s (expiring in 200 days) over %.0fs", s.marks.far, time.Since(s.started).Seconds())
}
