package collector

import (
	"context"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log/level"
)

// HealthSource lists a region's instance health (DescribeInstancesFullStatus); *aliyun.Client is one.
type HealthSource interface {
	InstanceHealth(ctx context.Context, region string, zones []string) ([]aliyun.InstanceHealth, error)
}

// fetchHealth lists region's instance health for the health sweep cache,
// once per instance.
func (e *Exporter) fetchHealth(ctx context.Context, region string) ([]aliyun.InstanceHealth, error) {
	hs, err := e.opts.Health.InstanceHealth(ctx, region, e.opts.Zones[region])
	if err != nil {
		return nil, err
	}
	return uniqueHealth(hs), nil
}

// uniqueHealth keeps the first entry of each instance: a listing that
// shifts between pages can repeat one, and a repeated series would break
// the exposition.
func uniqueHealth(hs []aliyun.InstanceHealth) []aliyun.InstanceHealth {
	seen := make(map[string]bool, len(hs))
	out := make([]aliyun.InstanceHealth, 0, len(hs))
	for _, h := range hs {
		if !seen[h.ID] {
			seen[h.ID] = true
			out = append(out, h)
		}
	}
	return out
}

// healthFailed logs a region's failed health fetch. It counts nowhere
// but ecs_api_requests_total (the client's) and ecs_collector_up: health
// never changes ecs_up or the status series.
func (e *Exporter) healthFailed(region string, err error, d time.Duration) {
	level.Warn(e.logger).Log("msg", "instance health fetch failed", "region", region,
		"code", aliyun.ErrorCode(err), "duration", d, "err", err)
}
