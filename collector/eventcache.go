package collector

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
)

// EventSource lists a region's system events (DescribeInstanceHistoryEvents); *aliyun.Client is one.
// statuses are EventCycleStatus names to ask for; since bounds finished events by EventFinishTime (zero: no bound).
type EventSource interface {
	InstanceEvents(ctx context.Context, region string, statuses []string, since time.Time) ([]aliyun.InstanceEvent, error)
}

// EventOptions configures the system event families. The zero value
// disables them.
type EventOptions struct {
	// Source lists system events. Nil disables the event families.
	Source EventSource
	// Refresh is how often a region's events are listed, in the
	// background; zero means 1 minute.
	Refresh time.Duration
	// Lookback is how long after it finished an event is still exported;
	// zero means 24 hours.
	Lookback time.Duration
}

// eventCache is the events collector: each region's active system events
// and those finished within the lookback, listed in the background every
// refresh interval, and the two families made of them.
type eventCache struct {
	source   EventSource
	lookback time.Duration
	list     *refresher[aliyun.InstanceEvent]
}

var _ cached = (*eventCache)(nil)

// newEventCache returns the events collector of opts, or nil when opts
// disable it.
func newEventCache(opts EventOptions, maxStaleness time.Duration, logger log.Logger) *eventCache {
	if opts.Source == nil {
		return nil
	}
	if opts.Refresh <= 0 {
		opts.Refresh = time.Minute
	}
	if opts.Lookback <= 0 {
		opts.Lookback = 24 * time.Hour
	}
	c := &eventCache{source: opts.Source, lookback: opts.Lookback}
	c.list = newRefresher(collectorEvents, c.fetch, opts.Refresh, maxStaleness, logger)
	return c
}

// fetch lists region's active events, then those finished within the
// lookback: two listings, since DescribeInstanceHistoryEvents lists only
// finished events unless it is asked for the active statuses.
func (c *eventCache) fetch(ctx context.Context, region string) ([]aliyun.InstanceEvent, error) {
	active, err := c.source.InstanceEvents(ctx, region, aliyun.ActiveEventStatuses, time.Time{})
	if err != nil {
		return nil, err
	}
	done, err := c.source.InstanceEvents(ctx, region, aliyun.FinishedEventStatuses, time.Now().Add(-c.lookback))
	if err != nil {
		return nil, err
	}
	return mergeEvents(active, done), nil
}

// mergeEvents keeps one entry per event ID, the last listing's: an event
// that ended between the two listings is in both.
func mergeEvents(lists ...[]aliyun.InstanceEvent) []aliyun.InstanceEvent {
	var out []aliyun.InstanceEvent
	index := map[string]int{}
	for _, l := range lists {
		for _, ev := range l {
			if i, ok := index[ev.ID]; ok {
				out[i] = ev
				continue
			}
			index[ev.ID] = len(out)
			out = append(out, ev)
		}
	}
	return out
}

func (c *eventCache) setRegions(regions []string)                 { c.list.setRegions(regions) }
func (c *eventCache) await(ctx context.Context, regions []string) { c.list.await(ctx, regions) }
func (c *eventCache) close()                                      { c.list.close() }
func (c *eventCache) status(region string) CollectorListing       { return c.list.status(region) }

// fill sets r's Events as of now (the active events with a NotBefore time,
// and the events that finished within the lookback) and reports how the
// region's listing fared.
func (c *eventCache) fill(r *RegionResult, now time.Time) {
	events, st := c.list.get(r.Region, now)
	for _, ev := range events {
		if (finished(ev) && !ev.Finished.IsZero() && now.Sub(ev.Finished) <= c.lookback) || (!finished(ev) && !ev.NotBefore.IsZero()) {
			r.Events = append(r.Events, ev)
		}
	}
	r.Collectors = append(r.Collectors, st)
}

// finished says whether ev is over; any other event is active.
func finished(ev aliyun.InstanceEvent) bool {
	return slices.Contains(aliyun.FinishedEventStatuses, ev.Status)
}

// families are the event timestamps: when an active event is due, and
// when a finished one finished.
func (c *eventCache) families() []family {
	cached := " Cached: refreshed every " + c.list.every.String() + " (--collector.events.refresh)."
	return []family{
		newFamily(eventNotBeforeName, "Unix time an active ECS system event ("+strings.Join(aliyun.ActiveEventStatuses, ", ")+
			") is due to start, its NotBefore in DescribeInstanceHistoryEvents."+cached,
			eventLabels, eventSeries(false)),
		newFamily(eventFinishName, "Unix time an ECS system event finished ("+strings.Join(aliyun.FinishedEventStatuses, ", ")+
			"), its EventFinishTime in DescribeInstanceHistoryEvents, for events finished within the last "+
			c.lookback.String()+" (--collector.events.lookback)."+cached,
			eventLabels, eventSeries(true)),
	}
}

// eventSeries returns the series function of the finished events (done)
// or of the active ones.
func eventSeries(done bool) func(*RegionResult, []string, func(float64, []string)) {
	return func(r *RegionResult, values []string, emit func(float64, []string)) {
		for _, ev := range r.Events {
			if finished(ev) != done {
				continue
			}
			at := ev.NotBefore
			if done {
				at = ev.Finished
			}
			emit(unixSeconds(at), append(values[:0], ev.InstanceID, r.Region, ev.ID, ev.Type, ev.Status))
		}
	}
}
