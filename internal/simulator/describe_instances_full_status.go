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

// fullStatusSet is how the answer nests a page's fullStatusItems.
type fullStatusSet struct {
	InstanceFullStatusType []fullStatusItem `json:"InstanceFullStatusType"`
}

// newFullStatusItem describes p with its pending events.
func newFullStatusItem(p *Instance, pending []Event) fullStatusItem {
	item := fullStatusItem{
		InstanceID:   p.ID,
		Status:       named(p.Status, knownStatuses),
		HealthStatus: named(p.health(), knownHealth),
	}
	item.ScheduledSystemEventSet.ScheduledSystemEventType = itemsOf(pending, newScheduledEventItem)
	return item
}

// newScheduledEventItem describes one of an instance's pending events.
func newScheduledEventItem(e Event) scheduledEventItem {
	return scheduledEventItem{
		EventID:          e.ID,
		EventType:        named(e.Type, knownEventTypes),
		EventCycleStatus: named(e.Status, knownEventCycles),
		NotBefore:        apiTime(e.NotBefore),
		EventPublishTime: apiTime(e.Published),
		Reason:           e.Reason,
	}
}

// fullStatusBody is the DescribeInstancesFullStatus answer.
type fullStatusBody struct {
	pageHeader
	InstanceFullStatusSet fullStatusSet `json:"InstanceFullStatusSet"`
}

// describeInstancesFullStatus answers one page (PageNumber, PageSize
// 1..100) of a region's instances with their status, health and pending
// (Scheduled or Inquiring) system events, filtered by InstanceId.N, Status
// and HealthStatus when given.
func describeInstancesFullStatus(c actionCall, q listQuery) any {
	total, items := c.fleet.fullStatusPage(fullStatusQuery{listQuery: q, status: c.params.Get("Status"), health: c.params.Get("HealthStatus")})
	return fullStatusBody{pageHeader: c.pageHeader(q, total), InstanceFullStatusSet: fullStatusSet{items}}
}
