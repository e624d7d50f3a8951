package handler_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// lifecycleSource answers health, events and info for every region with
// one instance named after the region, "i-" + region; health is refused in
// the regions of forbid.
type lifecycleSource struct{ forbid map[string]bool }

func (s lifecycleSource) InstanceHealth(_ context.Context, region string, _ []string) ([]aliyun.InstanceHealth, error) {
	if s.forbid[region] {
		return nil, &aliyun.Error{Code: "Forbidden.RAM", HTTPStatus: 403, Err: errors.New("not authorized")}
	}
	return []aliyun.InstanceHealth{{ID: "i-" + region, Status: "Running", Health: "Warning"}}, nil
}

func (s lifecycleSource) InstanceEvents(_ context.Context, region string, statuses []string, _ time.Time) ([]aliyun.InstanceEvent, error) {
	if statuses[0] != aliyun.ActiveEventStatuses[0] {
		return nil, nil
	}
	return []aliyun.InstanceEvent{{InstanceID: "i-" + region, ID: "e-" + region, Type: "SystemMaintenance.Reboot",
		Status: "Scheduled", NotBefore: eventDue}}, nil
}

func (s lifecycleSource) InstanceInfos(_ context.Context, region string, _ []string) ([]aliyun.InstanceInfo, error) {
	return []aliyun.InstanceInfo{{ID: "i-" + region, ChargeType: "PrePaid", Expires: expires, Locks: []string{"financial"}}}, nil
}

// The times lifecycleSource gives every region.
var (
	eventDue = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	expires  = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
)

func lifecycleOptions(src lifecycleSource) collector.Options {
	return collector.Options{Health: src, Events: collector.EventOptions{Source: src}, Info: collector.InfoOptions{Source: src}}
}

// /probe serves the health, event, expiry and lock families too, scoped to
// the probed account and region; a health refusal in one region leaves its
// ecs_up alone.
func TestProbeScopesTheLifecycleFamiliesToItsTarget(t *testing.T) {
	src := lifecycleSource{forbid: map[string]bool{"eu-central-1": true}}
	p := handler.NewProber(map[string]*handler.Account{
		handler.DefaultAccount: {Source: smallFleet(), Regions: func() []string { return []string{"cn-hangzhou", "cn-shanghai"} }, Options: lifecycleOptions(src)},
		"other":                {Source: smallFleet(), Regions: func() []string { return []string{"eu-central-1"} }, Options: lifecycleOptions(src)},
	}, handler.Options{Timeout: 10 * time.Second})
	defer p.Close()
	for _, tc := range []struct {
		target, region, other string
		want                  map[string]float64
	}{
		{"/probe?region=cn-hangzhou", "cn-hangzhou", "cn-shanghai", map[string]float64{
			`ecs_instance_health_status{instance_id="i-cn-hangzhou",region="cn-hangzhou",health_status="Warning"}`:                                                                                      1,
			`ecs_instance_event_not_before_timestamp_seconds{instance_id="i-cn-hangzhou",region="cn-hangzhou",event_id="e-cn-hangzhou",event_type="SystemMaintenance.Reboot",event_status="Scheduled"}`: float64(eventDue.Unix()),
			`ecs_instance_expire_timestamp_seconds{instance_id="i-cn-hangzhou",region="cn-hangzhou"}`:                                                                                                   float64(expires.Unix()),
			`ecs_instance_operation_lock{instance_id="i-cn-hangzhou",region="cn-hangzhou",lock_reason="financial"}`:                                                                                     1,
			`ecs_collector_up{collector="health",region="cn-hangzhou"}`:                                                                                                                                 1,
			`ecs_collector_up{collector="events",region="cn-hangzhou"}`:                                                                                                                                 1,
			`ecs_collector_up{collector="info",region="cn-hangzhou"}`:                                                                                                                                   1,
			`ecs_up{region="cn-hangzhou"}`: 1,
		}},
		{"/probe?region=eu-central-1&account=other", "eu-central-1", "cn-hangzhou", map[string]float64{
			`ecs_collector_up{collector="health",region="eu-central-1"}`:                             0,
			`ecs_collector_up{collector="events",region="eu-central-1"}`:                             1,
			`ecs_up{region="eu-central-1"}`:                                                          1,
			`ecs_instance_status{instance_id="i-\"odd\"",region="eu-central-1",status="Hibernated"}`: 1,
		}},
	} {
		resp, body := get(t, p, tc.target)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d", tc.target, resp.StatusCode)
		}
		if _, err := testenv.ParseText([]byte(body)); err != nil {
			t.Errorf("%s: %v", tc.target, err)
		}
		for series, want := range tc.want {
			if got := sample(body, series); got != want {
				t.Errorf("%s: %s = %g, want %g", tc.target, series, got, want)
			}
		}
		if strings.Contains(body, `region="`+tc.other+`"`) || strings.Contains(body, "ecs_scrape_errors_total{") {
			t.Errorf("%s serves another target's series, or counts the health refusal as a sweep error:\n%s", tc.target, body)
		}
	}
}
