package simulator

import "strconv"

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

// historyEventsBody is the DescribeInstanceHistoryEvents answer.
type historyEventsBody struct {
	RequestID              string `json:"RequestId"`
	NextToken              string `json:"NextToken"`
	TotalCount             int    `json:"TotalCount"`
	InstanceSystemEventSet struct {
		InstanceSystemEventType []historyEventItem `json:"InstanceSystemEventType"`
	} `json:"InstanceSystemEventSet"`
}

// describeInstanceHistoryEvents answers one NextToken page of a region's
// system events. Like the real API, it lists only finished events (Avoided,
// Executed, Canceled, Failed) unless InstanceEventCycleStatus.N names the
// statuses wanted; InstanceEventType.N and InstanceId narrow the listing.
// MaxResults below 10 counts as 10, above 100 as 100.
func describeInstanceHistoryEvents(c actionCall) ([]byte, *apiError) {
	p, err := tokenParams(c.params, 0)
	if err != nil {
		return nil, err
	}
	region, offset, size := p.region, p.offset, p.size
	if err := c.fleet.checkScope(region, ""); err != nil {
		return nil, err
	}
	match := eventFilter{
		statuses:   repeatedParam(c.params, "InstanceEventCycleStatus"),
		types:      repeatedParam(c.params, "InstanceEventType"),
		instanceID: c.params.Get("InstanceId"),
	}
	if len(match.statuses) == 0 {
		match.statuses = finishedEventStatuses
	}
	list := c.fleet.events(region, match)
	start := min(offset, len(list))
	page := list[start : start+min(size, len(list)-start)]
	var body historyEventsBody
	body.RequestID, body.TotalCount = c.requestID, len(list)
	body.InstanceSystemEventSet.InstanceSystemEventType = make([]historyEventItem, 0, len(page))
	for _, e := range page {
		body.InstanceSystemEventSet.InstanceSystemEventType = append(body.InstanceSystemEventSet.InstanceSystemEventType, historyEventItem{
			InstanceID: e.InstanceID, EventID: e.ID,
			EventType:        named(e.Type, knownEventTypes),
			EventCycleStatus: named(e.Status, knownEventCycles),
			NotBefore:        apiTime(e.NotBefore),
			EventPublishTime: apiTime(e.Published),
			EventFinishTime:  apiTime(e.Finished),
			Reason:           e.Reason,
			ResourceType:     "instance",
		})
	}
	if start+len(page) < len(list) {
		body.NextToken = nextTokenPrefix + strconv.Itoa(start+len(page))
	}
	return mustJSON(body), nil
}
