package collector

import (
	"context"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// Source lists a region's instances; *aliyun.Client is one. An error must
// carry a label-safe code for aliyun.ErrorCode. A call must return soon
// after ctx is cancelled.
type Source interface {
	InstanceStatuses(ctx context.Context, region string, zones []string) ([]aliyun.Instance, error)
}

// RegionResult is the outcome of sweeping one region.
type RegionResult struct {
	Region string
	// Instances is the region's fleet: fetched by this sweep when Err is
	// nil, else the last complete result if Stale, else nil.
	Instances []aliyun.Instance
	Err       error
	// Stale is set when Instances come from an earlier sweep.
	Stale bool
	// Duration is how long the region's fetch took, or, for a region that
	// did not finish within the scrape's deadline, how long the scrape
	// waited for it.
	Duration time.Duration
	// LastSuccess is when this region last swept completely; zero if never.
	LastSuccess time.Time
}

// Result is one scrape's sweep of every configured region.
type Result struct {
	Regions []RegionResult
	// Finished is when the newest of the region results came to be: its
	// fetch finished, or the scrape stopped waiting for it.
	Finished time.Time
}
