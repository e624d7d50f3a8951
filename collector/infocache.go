package collector

import (
	"context"
	"slices"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
)

// infoCache is the info collector: each region's DescribeInstances
// listing, refreshed in the background (a scrape never waits for
// DescribeInstances, which pages only one call at a time and would not fit
// a scrape deadline on a big fleet, except for a region's first listing),
// and the families made of it: ecs_instance_info, the subscription expiry
// and the operation locks.
type infoCache struct {
	source InfoSource
	zones  map[string][]string
	tags   []string // tag keys, in the order of their labels
	labels []string // infoLabels, then the tag labels
	list   *refresher[aliyun.InstanceInfo]
}

var _ cached = (*infoCache)(nil)

// newInfoCache returns the info collector of opts, or nil when opts
// disable it. It panics if opts.Tags fail TagLabels.
func newInfoCache(opts InfoOptions, zones map[string][]string, maxStaleness time.Duration, logger log.Logger) *infoCache {
	if opts.Source == nil {
		return nil
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 5 * time.Minute
	}
	tagLabels, err := TagLabels(opts.Tags)
	if err != nil {
		panic("collector: invalid InfoOptions.Tags (check them with TagLabels): " + err.Error())
	}
	c := &infoCache{
		source: opts.Source, zones: zones, tags: opts.Tags,
		labels: append(slices.Clone(infoLabels), tagLabels...),
	}
	c.list = newRefresher(collectorInfo, c.fetch, opts.Refresh, maxStaleness, logger)
	return c
}

// fetch lists one region.
func (c *infoCache) fetch(ctx context.Context, region string) ([]aliyun.InstanceInfo, error) {
	return c.source.InstanceInfos(ctx, region, c.zones[region])
}

func (c *infoCache) setRegions(regions []string)                 { c.list.setRegions(regions) }
func (c *infoCache) await(ctx context.Context, regions []string) { c.list.await(ctx, regions) }
func (c *infoCache) close()                                      { c.list.close() }
func (c *infoCache) status(region string) CollectorListing       { return c.list.status(region) }

// fill sets r's Infos and reports how the region's listing fared.
func (c *infoCache) fill(r *RegionResult, now time.Time) {
	var st CollectorStatus
	r.Infos, st = c.list.get(r.Region, now)
	r.Collectors = append(r.Collectors, st)
}

// families are ecs_instance_info, ecs_instance_expire_timestamp_seconds
// and ecs_instance_operation_lock.
func (c *infoCache) families() []family {
	cached := " Cached: refreshed every " + c.list.every.String() + " (--collector.info.refresh)"
	return []family{
		newFamily(infoName, "Information about an ECS instance from DescribeInstances; always 1."+cached+
			", so a new or renamed instance can take that long to show.", c.labels, c.infoSeries),
		newFamily(expireName, "Unix time a subscription (PrePaid) ECS instance expires, ExpiredTime of DescribeInstances; pay-as-you-go instances have none."+cached+".",
			instanceLabels, expireSeries),
		newFamily(lockName, "1 for each operation lock on an ECS instance (OperationLocks of DescribeInstances), by its reason, e.g. financial or security."+cached+".",
			lockLabels, lockSeries),
	}
}

// infoSeries are r's ecs_instance_info series.
func (c *infoCache) infoSeries(r *RegionResult, values []string, emit func(float64, []string)) {
	for _, in := range r.Infos {
		values = append(values[:0], in.ID, r.Region, in.Zone, in.Name, in.Type, in.ChargeType, in.OSType)
		for _, k := range c.tags {
			values = append(values, in.Tags[k])
		}
		emit(1, values)
	}
}

// expireSeries are r's subscription expiry times: PrePaid instances only,
// never the far-future placeholder of pay-as-you-go ones.
func expireSeries(r *RegionResult, values []string, emit func(float64, []string)) {
	for _, in := range r.Infos {
		if in.ChargeType == "PrePaid" && !in.Expires.IsZero() {
			emit(unixSeconds(in.Expires), append(values[:0], in.ID, r.Region))
		}
	}
}

// lockSeries are r's operation locks, each reason once per instance.
func lockSeries(r *RegionResult, values []string, emit func(float64, []string)) {
	for _, in := range r.Infos {
		for i, reason := range in.Locks {
			if !slices.Contains(in.Locks[:i], reason) {
				emit(1, append(values[:0], in.ID, r.Region, reason))
			}
		}
	}
}

// unixSeconds is t as a Unix timestamp in seconds.
func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
