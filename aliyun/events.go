package aliyun

import (
	"context"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// ActionDescribeInstanceHistoryEvents is the API action InstanceEvents
// pages through.
const ActionDescribeInstanceHistoryEvents = "DescribeInstanceHistoryEvents"

// maxEventPages bounds one DescribeInstanceHistoryEvents listing, like
// maxInfoPages.
const maxEventPages = maxInstances / maxResults

// InstanceEvents lists region's instance system events whose cycle status
// is one of statuses (ActiveEventStatuses, FinishedEventStatuses, or any
// mix), paging DescribeInstanceHistoryEvents with NextToken and
// MaxResults=100, one page after another. With no statuses the API lists
// only finished events. Events in a finished status that finished before
// since are left out (since zero: none are); so are events without an
// EventId or InstanceId, and repeats of an EventId. It fails as a whole.
func (c *Client) InstanceEvents(ctx context.Context, region string, statuses []string, since time.Time) ([]InstanceEvent, error) {
	rc, err := c.region(region)
	if err != nil {
		return nil, err
	}
	pages, err := eventListing(region, statuses).pages(ctx, c, rc)
	if err != nil {
		return nil, err
	}
	for i, p := range pages {
		pages[i] = slices.DeleteFunc(p, func(e InstanceEvent) bool { return !keepEvent(e, since) })
	}
	return dedupeBy(pages, func(e InstanceEvent) string { return e.ID }), nil
}

// keepEvent reports whether e is to be listed: it is not a finished event
// that finished before since.
func keepEvent(e InstanceEvent, since time.Time) bool {
	return since.IsZero() || !slices.Contains(FinishedEventStatuses, e.Status) || !e.Finished.Before(since)
}

// eventListing is the DescribeInstanceHistoryEvents listing of a region's
// events in statuses. A NextToken handed back again fails it.
func eventListing(region string, statuses []string) tokenListing[InstanceEvent] {
	extra := map[string]*string{}
	for i, s := range statuses {
		extra["InstanceEventCycleStatus."+strconv.Itoa(i+1)] = dara.String(s)
	}
	return tokenListing[InstanceEvent]{action: ActionDescribeInstanceHistoryEvents, region: region, extra: extra,
		decode: decodeEventsPage, maxPages: maxEventPages, refuseRepeat: true}
}

// decodeEventsPage decodes one DescribeInstanceHistoryEvents page, skipping
// items with no EventId or InstanceId.
func decodeEventsPage(r io.Reader) ([]InstanceEvent, string, error) {
	return decodeTokenPage(r, func(s *eventsSet) []eventItem { return s.InstanceSystemEventSet.InstanceSystemEventType }, eventItem.plain)
}

// eventItem is one InstanceSystemEventType item as the API sends it.
type eventItem struct {
	InstanceID string `json:"InstanceId"`
	EventID    string `json:"EventId"`
	EventType  struct {
		Name string `json:"Name"`
	} `json:"EventType"`
	EventCycleStatus struct {
		Name string `json:"Name"`
	} `json:"EventCycleStatus"`
	NotBefore        string `json:"NotBefore"`
	EventPublishTime string `json:"EventPublishTime"`
	EventFinishTime  string `json:"EventFinishTime"`
	Reason           string `json:"Reason"`
}

// plain is the item as an InstanceEvent, kept when it has an EventId and
// an InstanceId. A time that is missing or does not parse is zero.
func (w eventItem) plain() (InstanceEvent, bool) {
	if w.EventID == "" || w.InstanceID == "" {
		return InstanceEvent{}, false
	}
	return InstanceEvent{
		InstanceID: w.InstanceID, ID: w.EventID, Type: w.EventType.Name, Status: w.EventCycleStatus.Name,
		NotBefore: parseAPITime(w.NotBefore), Published: parseAPITime(w.EventPublishTime),
		Finished: parseAPITime(w.EventFinishTime), Reason: w.Reason,
	}, true
}

// eventsSet is where a DescribeInstanceHistoryEvents page holds its items.
type eventsSet struct {
	InstanceSystemEventSet struct {
		InstanceSystemEventType []eventItem `json:"InstanceSystemEventType"`
	} `json:"InstanceSystemEventSet"`
}
