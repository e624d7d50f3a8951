package collector

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
)

// InfoSource lists a region's instances with their names, types and tags;
// *aliyun.Client is one.
type InfoSource interface {
	InstanceInfos(ctx context.Context, region string, zones []string) ([]aliyun.InstanceInfo, error)
}

// InfoOptions configures ecs_instance_info. The zero value disables it.
type InfoOptions struct {
	// Source lists instances with DescribeInstances. Nil disables the
	// info metric.
	Source InfoSource
	// Refresh is how old a region's info may grow before it is fetched
	// again, in the background; zero means 5 minutes.
	Refresh time.Duration
	// Tags are the tag keys turned into tag_<key> labels (see TagLabels).
	Tags []string
}

// infoLabels are the fixed labels of ecs_instance_info, in order.
var infoLabels = []string{"instance_id", "region", "zone", "instance_name", "instance_type", "instance_charge_type", "os_type"}

// TagLabels returns the label name for each tag key: "tag_" and the key with
// every character outside [a-zA-Z0-9_] replaced by "_". Keys that are empty
// or sanitise to the same name are an error.
func TagLabels(keys []string) ([]string, error) {
	out := make([]string, len(keys))
	owner := map[string]string{}
	for i, k := range keys {
		if k == "" {
			return nil, fmt.Errorf("an empty tag key")
		}
		var b strings.Builder
		b.WriteString("tag_")
		for _, r := range k {
			if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		name := b.String()
		if prev, dup := owner[name]; dup {
			return nil, fmt.Errorf("tag keys %q and %q both become label %s", prev, k, name)
		}
		owner[name] = k
		out[i] = name
	}
	return out, nil
}

// infoEntry is a region's cached DescribeInstances listing.
type infoEntry struct {
	at         time.Time
	infos      []aliyun.InstanceInfo
	refreshing bool
}

// infoCache keeps each region's listing and refreshes it in the background:
// a scrape never waits for DescribeInstances, which pages only one call at a
// time and would not fit a scrape deadline on a big fleet.
type infoCache struct {
	opts      InfoOptions
	tagLabels []string
	desc      *prometheus.Desc
	help      string

	mu      sync.Mutex
	regions map[string]*infoEntry
	wg      sync.WaitGroup
}

func newInfoCache(opts InfoOptions) *infoCache {
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
	help := "Information about an ECS instance from DescribeInstances; always 1. Cached: refreshed every " +
		opts.Refresh.String() + " (--collector.info.refresh), so a new or renamed instance can take that long to show."
	return &infoCache{
		opts:      opts,
		tagLabels: tagLabels,
		help:      help,
		desc:      prometheus.NewDesc("ecs_instance_info", help, append(append([]string{}, infoLabels...), tagLabels...), nil),
		regions:   map[string]*infoEntry{},
	}
}

// infoFor returns the region's cached listing (nil before the first one
// arrives) and starts a refresh when it is older than Refresh.
func (e *Exporter) infoFor(region string) []aliyun.InstanceInfo {
	c := e.info
	c.mu.Lock()
	defer c.mu.Unlock()
	ent, ok := c.regions[region]
	if !ok {
		ent = &infoEntry{}
		c.regions[region] = ent
	}
	if !ent.refreshing && time.Since(ent.at) >= c.opts.Refresh {
		ent.refreshing = true
		c.wg.Go(func() { e.refreshInfo(region, ent) })
	}
	return ent.infos
}

func (e *Exporter) refreshInfo(region string, ent *infoEntry) {
	c := e.info
	ctx, cancel := context.WithTimeout(e.base, c.opts.Refresh)
	defer cancel()
	infos, err := c.opts.Source.InstanceInfos(ctx, region, e.opts.Zones[region])
	c.mu.Lock()
	defer c.mu.Unlock()
	ent.refreshing = false
	if err != nil {
		level.Warn(e.logger).Log("msg", "refreshing instance info failed; keeping the previous listing",
			"region", region, "code", aliyun.ErrorCode(err), "err", err)
		// Try again at the next scrape after a tenth of the interval.
		ent.at = time.Now().Add(-c.opts.Refresh * 9 / 10)
		return
	}
	ent.at, ent.infos = time.Now(), infos
}

// appendLabelValues appends one instance's values for desc's labels.
func (c *infoCache) appendLabelValues(v []string, region string, in aliyun.InstanceInfo) []string {
	v = append(v, in.ID, region, in.Zone, in.Name, in.Type, in.ChargeType, in.OSType)
	for _, k := range c.opts.Tags {
		v = append(v, in.Tags[k])
	}
	return v
}

// collectInfo sends the info series of res's regions.
func (e *Exporter) collectInfo(ch chan<- prometheus.Metric, res *Result) {
	var values []string
	for _, r := range res.Regions {
		for _, in := range e.infoFor(r.Region) {
			values = e.info.appendLabelValues(values[:0], r.Region, in)
			ch <- prometheus.MustNewConstMetric(e.info.desc, prometheus.GaugeValue, 1, values...)
		}
	}
}

// writeInfoFamily writes the info series of res's regions in the text
// format, like writeStatusFamily.
func (e *Exporter) writeInfoFamily(w *bufio.Writer, res *Result) error {
	c := e.info
	w.WriteString("# HELP ecs_instance_info ")
	w.WriteString(escapeHelp(c.help))
	w.WriteString("\n# TYPE ecs_instance_info gauge\n")
	names := append(append([]string{}, infoLabels...), c.tagLabels...)
	var (
		values []string
		line   []byte
	)
	for _, r := range res.Regions {
		for _, in := range e.infoFor(r.Region) {
			values = c.appendLabelValues(values[:0], r.Region, in)
			line = append(line[:0], "ecs_instance_info{"...)
			for i, n := range names {
				if i > 0 {
					line = append(line, ',')
				}
				line = append(line, n...)
				line = append(line, `="`...)
				line = appendLabelValue(line, values[i])
				line = append(line, '"')
			}
			line = append(line, "} 1\n"...)
			w.Write(line)
		}
	}
	return w.Flush()
}
