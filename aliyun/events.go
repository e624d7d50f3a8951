package aliyun

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	json "github.com/go-json-experiment/json"
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
	var out []InstanceEvent
	seen := map[string]bool{}
	token := ""
	for range maxEventPages {
		page, next, err := c.eventsPage(ctx, rc, region, statuses, token)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if !seen[e.ID] && keepEvent(e, since) {
				seen[e.ID] = true
				out = append(out, e)
			}
		}
		if next == "" {
			break
		}
		if next == token {
			return nil, &Error{Code: CodeDecode, Err: errors.New("DescribeInstanceHistoryEvents returned the NextToken it was given")}
		}
		token = next
	}
	return out, nil
}

// keepEvent reports whether e is to be listed: it is not a finished event
// that finished before since.
func keepEvent(e InstanceEvent, since time.Time) bool {
	return since.IsZero() || !slices.Contains(FinishedEventStatuses, e.Status) || !e.Finished.Before(since)
}

// eventsPage fetches the page of a region's events that token names.
func (c *Client) eventsPage(ctx context.Context, rc *regionClient, region string, statuses []string, token string) ([]InstanceEvent, string, error) {
	extra := map[string]*string{}
	for i, s := range statuses {
		extra["InstanceEventCycleStatus."+strconv.Itoa(i+1)] = dara.String(s)
	}
	return tokenPage(ctx, c, rc, ActionDescribeInstanceHistoryEvents, region, token, extra, decodeEventsPage)
}

// decodeEventsPage decodes one DescribeInstanceHistoryEvents page, skipping
// items with no EventId or InstanceId. A time that is missing or does not
// parse is zero.
func decodeEventsPage(r io.Reader) ([]InstanceEvent, string, error) {
	var p struct {
		NextToken              string `json:"NextToken"`
		InstanceSystemEventSet struct {
			InstanceSystemEventType []struct {
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
			} `json:"InstanceSystemEventType"`
		} `json:"InstanceSystemEventSet"`
	}
	if err := json.UnmarshalRead(r, &p); err != nil {
		return nil, "", err
	}
	out := make([]InstanceEvent, 0, len(p.InstanceSystemEventSet.InstanceSystemEventType))
	for _, w := range p.InstanceSystemEventSet.InstanceSystemEventType {
		if w.EventID == "" || w.InstanceID == "" {
			continue
		}
		out = append(out, InstanceEvent{
			InstanceID: w.InstanceID, ID: w.EventID, Type: w.EventType.Name, Status: w.EventCycleStatus.Name,
			NotBefore: parseAPITime(w.NotBefore), Published: parseAPITime(w.EventPublishTime),
			Finished: parseAPITime(w.EventFinishTime), Reason: w.Reason,
		})
	}
	return out, p.NextToken, nil
}
