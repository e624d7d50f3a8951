package simulator

import (
	"fmt"
	"time"
)

// demoLifecycle marks the demo fleet's lifecycle cases in regions and
// returns their events, with times relative to now:
//
//   - cn-hangzhou: the first Running instance is Impaired, and the first
//     Stopped one has a financial lock;
//   - cn-shanghai: the first Running instance has a SystemMaintenance.Reboot
//     Scheduled for now+24h, published an hour ago;
//   - eu-central-1: the first Running instance had a SystemFailure.Reboot,
//     Executed 20 minutes ago;
//   - us-west-1: the first Running instance is a PrePaid subscription that
//     expires at now+3d.
func demoLifecycle(regions map[string][]Instance, now time.Time) map[string][]Event {
	now = now.UTC().Truncate(time.Second)
	regions["cn-hangzhou"][firstWith(regions["cn-hangzhou"], StatusRunning)].Health = HealthImpaired
	regions["cn-hangzhou"][firstWith(regions["cn-hangzhou"], StatusStopped)].Locks = []string{"financial"}

	subscription := &regions["us-west-1"][firstWith(regions["us-west-1"], StatusRunning)]
	subscription.ChargeType = ChargePrePaid
	subscription.ExpiredTime = now.Add(72 * time.Hour).Truncate(time.Minute)

	maintained := regions["cn-shanghai"][firstWith(regions["cn-shanghai"], StatusRunning)]
	rebooted := regions["eu-central-1"][firstWith(regions["eu-central-1"], StatusRunning)]
	return map[string][]Event{
		"cn-shanghai": {{
			ID: "e-demo-maintenance", InstanceID: maintained.ID,
			Type: EventSystemMaintenanceReboot, Status: EventScheduled,
			NotBefore: now.Add(24 * time.Hour), Published: now.Add(-time.Hour),
			Reason: "The host of the instance is due for hardware maintenance.",
		}},
		"eu-central-1": {{
			ID: "e-demo-failure-reboot", InstanceID: rebooted.ID,
			Type: EventSystemFailureReboot, Status: EventExecuted,
			NotBefore: now.Add(-25 * time.Minute), Published: now.Add(-25 * time.Minute),
			Finished: now.Add(-20 * time.Minute),
			Reason:   "The instance was restarted after a host failure.",
		}},
	}
}

// firstWith is the index of the first instance with status.
func firstWith(fleet []Instance, status string) int {
	for i, in := range fleet {
		if in.Status == status {
			return i
		}
	}
	panic(fmt.Sprintf("simulator: the demo fleet has no %s instance", status))
}
