package collector

import (
	"bufio"
	"context"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/exposition"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
)

// infoCache keeps each region's DescribeInstances listing for
// ecs_instance_info and refreshes it in the background: a scrape never
// waits for DescribeInstances, which pages only one call at a time and would
// not fit a scrape deadline on a big fleet. A nil *infoCache is the info
// metric turned off; its methods then do nothing.
type infoCache struct {
	source  InfoSource
	refresh time.Duration
	tags    []string // tag keys, in the order of their labels
	zones   map[string][]string
	logger  log.Logger
	help    string
	labels  []string // infoLabels, then the tag labels
	desc    *prometheus.Desc

	ctx    context.Context // ends the refreshes in flight at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the refreshes in flight

	book *statusBook // each region's listings, for Exporter.Status

	mu      sync.Mutex
	closed  bool
	regions map[string]*infoEntry
}

// infoEntry is a region's cached listing.
type infoEntry struct {
	at         time.Time
	infos      []aliyun.InstanceInfo
	refreshing bool
}

// newInfoCache returns the cache for opts, or nil when opts disable the info
// metric. It panics if opts.Tags fail TagLabels.
func newInfoCache(opts InfoOptions, zones map[string][]string, logger log.Logger) *infoCache {
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
	labels := append(append([]string{}, infoLabels...), tagLabels...)
	help := infoHelp(opts.Refresh)
	ctx, cancel := context.WithCancel(context.Background())
	return &infoCache{
		source: opts.Source, refresh: opts.Refresh, tags: opts.Tags, zones: zones, logger: logger,
		help: help, labels: labels, desc: prometheus.NewDesc(infoName, help, labels, nil),
		ctx: ctx, cancel: cancel, book: newStatusBook(), regions: map[string]*infoEntry{},
	}
}

// listing returns the region's cached listing (nil before the first one
// arrives) and starts a refresh when it is older than the refresh interval.
func (c *infoCache) listing(region string) []aliyun.InstanceInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	ent, ok := c.regions[region]
	if !ok {
		ent = &infoEntry{}
		c.regions[region] = ent
	}
	if !c.closed && !ent.refreshing && time.Since(ent.at) >= c.refresh {
		ent.refreshing = true
		c.wg.Go(func() { c.fetch(region, ent) })
	}
	return ent.infos
}

// fetch lists the region once and stores the listing; on failure it keeps
// the previous one and tries again after a tenth of the interval.
func (c *infoCache) fetch(region string, ent *infoEntry) {
	ctx, cancel := context.WithTimeout(c.ctx, c.refresh)
	defer cancel()
	t := c.book.start(region)
	infos, err := c.source.InstanceInfos(aliyun.WithObserver(ctx, t), region, c.zones[region])
	c.book.finish(t, len(infos), nil, err)
	c.mu.Lock()
	defer c.mu.Unlock()
	ent.refreshing = false
	if err != nil {
		level.Warn(c.logger).Log("msg", "refreshing instance info failed; keeping the previous listing",
			"region", region, "code", aliyun.ErrorCode(err), "err", err)
		ent.at = time.Now().Add(-c.refresh * 9 / 10)
		return
	}
	ent.at, ent.infos = time.Now(), infos
}

// status is what is known of region's listings; nil when c is (the info
// metric is off).
func (c *infoCache) status(region string) *ListingStatus {
	if c == nil {
		return nil
	}
	s := c.book.listing(region)
	return &s
}

// Close ends the refreshes in flight and waits for them; no new one starts.
func (c *infoCache) Close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}

// labelValues appends one instance's values for c.labels.
func (c *infoCache) labelValues(v []string, region string, in aliyun.InstanceInfo) []string {
	v = append(v, in.ID, region, in.Zone, in.Name, in.Type, in.ChargeType, in.OSType)
	for _, k := range c.tags {
		v = append(v, in.Tags[k])
	}
	return v
}

// describe sends the Desc of ecs_instance_info.
func (c *infoCache) describe(ch chan<- *prometheus.Desc) {
	if c != nil {
		ch <- c.desc
	}
}

// collect sends the info series of res's regions.
func (c *infoCache) collect(ch chan<- prometheus.Metric, res *Result) {
	if c == nil {
		return
	}
	var values []string
	for _, r := range res.Regions {
		for _, in := range c.listing(r.Region) {
			values = c.labelValues(values[:0], r.Region, in)
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, 1, values...)
		}
	}
}

// write writes the info series of res's regions in the text format, the
// same series as collect.
func (c *infoCache) write(w *bufio.Writer, res *Result) {
	if c == nil {
		return
	}
	f := exposition.NewFamily(infoName, c.labels...)
	f.WriteHeader(w, c.help, "gauge")
	var values []string
	for _, r := range res.Regions {
		for _, in := range c.listing(r.Region) {
			values = c.labelValues(values[:0], r.Region, in)
			f.WriteSeries(w, 1, values...)
		}
	}
}
