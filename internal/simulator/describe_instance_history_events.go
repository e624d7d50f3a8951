package simulator

// historyEventItem is one entry of the DescribeInstanceHistoryEvents answer.
type historyEventItem struct {
	InstanceID       string   `json:"InstanceId"`
	EventID          string   `json:"EventId"`
	EventType        codeName `json:"EventType"`
	EventCycleStatus codeName `json:"EventCycleStatus"`
	NotBefore        string   `json:"NotBefore,omitempty"`
	EventPublishTime string   `json:"EventPublishTime,omitempty"`
	EventFinishTime  string   `json:"EventFinishTime,omitempty"`
	Reason           string   `json:"Reason"`
	ResourceType     string   `json:"ResourceType"`
}

// historyEventSet is how the answer nests a page's historyEventItems.
type historyEventSet struct {
	InstanceSystemEventType []historyEventItem `json:"InstanceSystemEventType"`
}

// historyEventsBody is the DescribeInstanceHistoryEvents answer.
type historyEventsBody struct {
	tokenHeader
	TotalCount             int             `json:"TotalCount"`
	InstanceSystemEventSet historyEventSet `json:"InstanceSystemEventSet"`
}

// describeInstanceHistoryEvents answers one NextToken page of a region's
// system events. Like the real API, it lists only finished events (Avoided,
// Executed, Canceled, Failed) unless InstanceEventCycleStatus.N names the
// statuses wanted; InstanceEventType.N and InstanceId narrow the listing.
// MaxResults below 10 counts as 10, above 100 as 100.
func describeInstanceHistoryEvents(c actionCall, q listQuery) any {
	match := eventFilter{
		statuses:   repeatedParam(c.params, "InstanceEventCycleStatus"),
		types:      repeatedParam(c.params, "InstanceEventType"),
		instanceID: c.params.Get("InstanceId"),
	}
	if len(match.statuses) == 0 {
		match.statuses = finishedEventStatuses
	}
	list := c.fleet.events(q.region, match)
	page := windowAt(list, q.offset, q.size)
	return historyEventsBody{
		tokenHeader:            c.tokenHeader(q, len(page), len(list)),
		TotalCount:             len(list),
		InstanceSystemEventSet: historyEventSet{itemsOf(page, newHistoryEventItem)},
	}
}

// newHistoryEventItem describes e as DescribeInstanceHistoryEvents does.
func newHistoryEventItem(e Event) historyEventItem {
	return historyEventItem{
		InstanceID: e.InstanceID, EventID: e.ID,
		EventType:        named(e.Type, knownEventTypes),
		EventCycleStatus: named(e.Status, knownEventCycles),
		NotBefore:        apiTime(e.NotBefore),
		EventPublishTime: apiTime(e.Published),
		EventFinishTime:  apiTime(e.Finished),
		Reason:           e.Reason,
		ResourceType:     "instance",
	}
}
