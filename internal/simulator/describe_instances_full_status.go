package simulator

import "slices"

// maxFullStatusPageSize is DescribeInstancesFullStatus's largest page.
const maxFullStatusPageSize = 100

// codeName is the API's {Code, Name} pair. Clients read Name; the
// simulator numbers Code by Name's place in a list of the names it knows
// (one past the end for any other name), which is not the API's numbering.
type codeName struct {
	Code int    `json:"Code"`
	Name string `json:"Name"`
}

func named(name string, known []string) codeName {
	i := slices.Index(known, name)
	if i < 0 {
		i = len(known)
	}
	return codeName{Code: i, Name: name}
}

var (
	knownStatuses    = []string{StatusPending, StatusRunning, StatusStarting, StatusStopping, StatusStopped}
	knownHealth      = []string{HealthOk, HealthImpaired, HealthWarning, HealthMaintaining, HealthInitializing, HealthInsufficientData, HealthNotApplicable}
	knownEventTypes  = []string{EventSystemMaintenanceReboot, EventSystemFailureReboot, EventInstanceFailureReboot}
	knownEventCycles = []string{EventScheduled, EventExecuting, EventInquiring, EventExecuted, EventAvoided, EventCanceled, EventFailed}
)

// scheduledEventItem is one entry of an instance's ScheduledSystemEventSet.
type scheduledEventItem struct {
	EventID          string   `json:"EventId"`
	EventType        codeName `json:"EventType"`
	EventCycleStatus codeName `json:"EventCycleStatus"`
	NotBefore        string   `json:"NotBefore,omitempty"`
	EventPublishTime string   `json:"EventPublishTime,omitempty"`
	Reason           string   `json:"Reason"`
}

// fullStatusItem is one entry of a DescribeInstancesFullStatus page.
type fullStatusItem struct {
	InstanceID              string   `json:"InstanceId"`
	Status                  codeName `json:"Status"`
	HealthStatus            codeName `json:"HealthStatus"`
	ScheduledSystemEventSet struct {
		ScheduledSystemEventType []scheduledEventItem `json:"ScheduledSystemEventType"`
	} `json:"ScheduledSystemEventSet"`
}

// newFullStatusItem describes p with its pending events.
func newFullStatusItem(p *Instance, pending []Event) fullStatusItem {
	item := fullStatusItem{
		InstanceID:   p.ID,
		Status:       named(p.Status, knownStatuses),
		HealthStatus: named(p.health(), knownHealth),
	}
	item.ScheduledSystemEventSet.ScheduledSystemEventType = make([]scheduledEventItem, 0, len(pending))
	for _, e := range pending {
		item.ScheduledSystemEventSet.ScheduledSystemEventType = append(item.ScheduledSystemEventSet.ScheduledSystemEventType, scheduledEventItem{
			EventID:          e.ID,
			EventType:        named(e.Type, knownEventTypes),
			EventCycleStatus: named(e.Status, knownEventCycles),
			NotBefore:        apiTime(e.NotBefore),
			EventPublishTime: apiTime(e.Published),
			Reason:           e.Reason,
		})
	}
	return item
}

// fullStatusBody is the DescribeInstancesFullStatus answer.
type fullStatusBody struct {
	RequestID             string `json:"RequestId"`
	TotalCount            int    `json:"TotalCount"`
	PageNumber            int    `json:"PageNumber"`
	PageSize              int    `json:"PageSize"`
	InstanceFullStatusSet struct {
		InstanceFullStatusType []fullStatusItem `json:"InstanceFullStatusType"`
	} `json:"InstanceFullStatusSet"`
}

// describeInstancesFullStatus answers one page (PageNumber, PageSize
// 1..100) of a region's instances with their status, health and pending
// (Scheduled or Inquiring) system events, filtered by InstanceId.N, Status
// and HealthStatus when given.
func describeInstancesFullStatus(c actionCall) ([]byte, *apiError) {
	page, err := pageParams(c.params, maxFullStatusPageSize)
	if err != nil {
		return nil, err
	}
	q := fullStatusQuery{pageQuery: page, status: c.params.Get("Status"), health: c.params.Get("HealthStatus")}
	if err := c.fleet.checkScope(q.region, ""); err != nil {
		return nil, err
	}
	var body fullStatusBody
	body.RequestID = c.requestID
	body.PageNumber, body.PageSize = q.number, q.size
	body.TotalCount, body.InstanceFullStatusSet.InstanceFullStatusType = c.fleet.fullStatusPage(q)
	return mustJSON(body), nil
}
