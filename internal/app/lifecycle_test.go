package app

import (
	"context"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// lifecycleFake stands in for a client with the health and event calls.
type lifecycleFake struct{}

func (lifecycleFake) InstanceHealth(context.Context, string, []string) ([]aliyun.InstanceHealth, error) {
	return nil, nil
}

func (lifecycleFake) InstanceEvents(context.Context, string, []string, time.Time) ([]aliyun.InstanceEvent, error) {
	return nil, nil
}

func TestHealthAndEventsAreOnOnlyWhenTheirFlagsAsk(t *testing.T) {
	region := "--aliyun.region=cn-hangzhou"
	for _, tc := range []struct {
		name                   string
		args                   []string
		wantHealth, wantEvents bool
	}{
		{"off by default", []string{region}, false, false},
		{"health", []string{region, "--collector.health"}, true, false},
		{"events", []string{region, "--collector.events", "--collector.events.refresh=2m", "--collector.events.lookback=48h"}, false, true},
		{"the demo turns both on", []string{"--demo"}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := parse(t, tc.args...)
			opts := withLifecycle(collector.Options{}, o, lifecycleFake{}, lifecycleFake{})
			if (opts.Health != nil) != tc.wantHealth {
				t.Errorf("health source %v, want on=%v", opts.Health, tc.wantHealth)
			}
			if (opts.Events.Source != nil) != tc.wantEvents {
				t.Errorf("event source %v, want on=%v", opts.Events.Source, tc.wantEvents)
			}
			if tc.wantEvents && (opts.Events.Refresh != o.EventsRefresh || opts.Events.Lookback != o.EventsLookback) {
				t.Errorf("events every %v looking back %v, want the flags' %v and %v", opts.Events.Refresh, opts.Events.Lookback, o.EventsRefresh, o.EventsLookback)
			}
		})
	}
}

func TestWithoutASourceTheFlagsTurnNothingOn(t *testing.T) {
	opts := withLifecycle(collector.Options{}, parse(t, "--demo"), nil, nil)
	if opts.Health != nil || opts.Events.Source != nil {
		t.Errorf("health %v, events %v; want both off without a source", opts.Health, opts.Events.Source)
	}
}

// The demo shows every optional collector, from its first scrape on.
func TestTheDemoExportsTheOptionalCollectorsFromItsFirstScrape(t *testing.T) {
	testenv.PinEnv(t)
	a, _ := newApp(t, "--demo", "--aliyun.region=cn-hangzhou")
	code, body := get(t, a, "/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: %d\n%s", code, body)
	}
	want := map[string]bool{"info": true, "health": true, "events": true}
	up := gauges(t, body, "ecs_collector_up", "collector")
	for c := range want {
		if up[c] != 1 {
			t.Errorf("ecs_collector_up{collector=%q} = %g, want 1 (all: %v)", c, up[c], up)
		}
	}
	if n := len(gauges(t, body, "ecs_instance_info", "instance_id")); n == 0 {
		t.Error("the first scrape has no ecs_instance_info")
	}
}
