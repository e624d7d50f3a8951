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

	// Health, Events and Infos are the region's data from the optional
	// collectors that are on (Options.Health, Events and Info), nil
	// otherwise. Health is fetched with the statuses, under the same
	// rules (cache, sharing, staleness) but on its own: a failed health
	// fetch leaves Err and Instances alone. Events and Infos come from
	// listings refreshed in the background; Events holds the active events
	// and those that finished within the lookback.
	Health []aliyun.InstanceHealth
	Events []aliyun.InstanceEvent
	Infos  []aliyun.InstanceInfo
	// Collectors says how each optional collector that is on fared, in
	// the order health, events, info.
	Collectors []CollectorStatus
}

// CollectorStatus is how one optional collector fared for a region:
// ecs_collector_up and ecs_collector_last_success_timestamp_seconds.
type CollectorStatus struct {
	// Name is the collector's: "health", "events" or "info".
	Name string
	// Err is the error of the collector's last call for the region (for
	// health, this sweep's; for events and info, the last refresh's); nil
	// if it succeeded.
	Err error
	// LastSuccess is when the collector last succeeded for the region;
	// zero if never.
	LastSuccess time.Time
}

// Result is one scrape's sweep of every configured region.
type Result struct {
	Regions []RegionResult
	// Finished is when the newest of the region results came to be: its
	// fetch finished, or the scrape stopped waiting for it.
	Finished time.Time
}
