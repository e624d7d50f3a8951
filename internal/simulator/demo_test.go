package simulator

import (
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

func TestTheDemoAccountServesItsFleet(t *testing.T) {
	cfg := Demo()
	var names []string
	total := 0
	for name, list := range cfg.Regions {
		names = append(names, name)
		total += len(list)
	}
	sort.Strings(names)
	if want := []string{"cn-hangzhou", "cn-shanghai", "eu-central-1", "us-west-1"}; !reflect.DeepEqual(names, want) {
		t.Errorf("demo regions %v, want %v", names, want)
	}
	if total != 300 {
		t.Errorf("demo fleet has %d instances, want 300", total)
	}
	cfg.Latency = nil // keep the test quick
	_, endpoint := startServer(t, cfg)
	c := newClient(t, endpoint, clientOpts{key: DemoAccessKeyID, secret: DemoAccessKeySecret})
	body := mustDescribe(t, c, statusQuery{region: "cn-hangzhou", size: 50})
	if int(*body.TotalCount) != len(cfg.Regions["cn-hangzhou"]) {
		t.Errorf("TotalCount %d, want %d", *body.TotalCount, len(cfg.Regions["cn-hangzhou"]))
	}
}

func TestTheDemoFleetShowsEachLifecycleCase(t *testing.T) {
	before := time.Now().UTC().Truncate(time.Second)
	cfg := Demo()
	after := time.Now()
	find := func(region string, ok func(Instance) bool) []Instance {
		var out []Instance
		for _, in := range cfg.Regions[region] {
			if ok(in) {
				out = append(out, in)
			}
		}
		return out
	}
	impaired := find("cn-hangzhou", func(in Instance) bool { return in.Health == HealthImpaired })
	if len(impaired) != 1 || impaired[0].Status != StatusRunning {
		t.Errorf("impaired instances %+v, want one Running", impaired)
	}
	locked := find("cn-hangzhou", func(in Instance) bool { return len(in.Locks) > 0 })
	if len(locked) != 1 || !slices.Equal(locked[0].Locks, []string{"financial"}) {
		t.Errorf("locked instances %+v, want one with a financial lock", locked)
	}
	prepaid := find("us-west-1", func(in Instance) bool { return in.ChargeType == ChargePrePaid })
	if len(prepaid) != 1 || prepaid[0].ExpiredTime.Before(before.Add(71*time.Hour)) || prepaid[0].ExpiredTime.After(after.Add(72*time.Hour)) {
		t.Errorf("subscriptions %+v, want one expiring in 3 days", prepaid)
	}
	maintenance := cfg.Events["cn-shanghai"]
	if len(maintenance) != 1 || maintenance[0].Type != EventSystemMaintenanceReboot || maintenance[0].Status != EventScheduled ||
		!within(maintenance[0].NotBefore, before, after.Add(48*time.Hour)) || len(find("cn-shanghai", func(in Instance) bool { return in.ID == maintenance[0].InstanceID })) != 1 {
		t.Errorf("cn-shanghai events %+v, want a maintenance reboot of one of its instances scheduled within 48h", maintenance)
	}
	reboot := cfg.Events["eu-central-1"]
	if len(reboot) != 1 || reboot[0].Type != EventSystemFailureReboot || reboot[0].Status != EventExecuted ||
		!within(reboot[0].Finished, after.Add(-time.Hour), before) || len(find("eu-central-1", func(in Instance) bool { return in.ID == reboot[0].InstanceID })) != 1 {
		t.Errorf("eu-central-1 events %+v, want a failure reboot of one of its instances executed within the hour", reboot)
	}
	if n := len(cfg.Events); n != 2 {
		t.Errorf("events in %d regions, want 2", n)
	}
}

// within reports whether lo <= t <= hi.
func within(t, lo, hi time.Time) bool { return !t.Before(lo) && !t.After(hi) }
