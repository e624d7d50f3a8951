// Package fakesource holds the collector's stand-in status sources for
// tests. It is apart from testenv because it needs aliyun's types, and
// aliyun's own tests use testenv.
package fakesource

import (
	"context"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// Fleets is a status source for the collector that serves fixed fleets
// and errors per region, with no API behind it.
type Fleets struct {
	// Instances are each region's instances.
	Instances map[string][]aliyun.Instance
	// Errs are the regions whose sweep fails, with the error.
	Errs map[string]error
}

// InstanceStatuses returns region's error if it has one, else its fleet;
// zones are not filtered.
func (f *Fleets) InstanceStatuses(_ context.Context, region string, _ []string) ([]aliyun.Instance, error) {
	if err := f.Errs[region]; err != nil {
		return nil, err
	}
	return f.Instances[region], nil
}
