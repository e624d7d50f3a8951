package simulator

import (
	"slices"
	"time"
)

// Event is one system event of an instance, as
// DescribeInstanceHistoryEvents lists it. Zero times are left out of the
// answer.
type Event struct {
	ID, InstanceID string
	// Type is the event type, e.g. EventSystemMaintenanceReboot.
	Type string
	// Status is the event's cycle status, e.g. EventScheduled.
	Status string
	// NotBefore is when the event is planned to start; Published when it
	// was announced; Finished when it ended.
	NotBefore, Published, Finished time.Time
	// Reason is free text.
	Reason string
}

// Event types the demo and the tests use (the API has more).
const (
	EventSystemMaintenanceReboot = "SystemMaintenance.Reboot"
	EventSystemFailureReboot     = "SystemFailure.Reboot"
	EventInstanceFailureReboot   = "InstanceFailure.Reboot"
)

// Event cycle statuses.
const (
	EventScheduled = "Scheduled"
	EventExecuting = "Executing"
	EventInquiring = "Inquiring"
	EventExecuted  = "Executed"
	EventAvoided   = "Avoided"
	EventCanceled  = "Canceled"
	EventFailed    = "Failed"
)

// finishedEventStatuses are what DescribeInstanceHistoryEvents lists when
// it is not asked for particular cycle statuses.
var finishedEventStatuses = []string{EventAvoided, EventExecuted, EventCanceled, EventFailed}

// pending reports whether e is still to come: the events
// DescribeInstancesFullStatus lists in an instance's
// ScheduledSystemEventSet.
func (e Event) pending() bool {
	return e.Status == EventScheduled || e.Status == EventInquiring
}

// eventFilter selects events of DescribeInstanceHistoryEvents.
type eventFilter struct {
	statuses   []string // cycle statuses; never empty
	types      []string // event types; empty: any
	instanceID string   // empty: any
}

func (f eventFilter) match(e Event) bool {
	return slices.Contains(f.statuses, e.Status) &&
		(len(f.types) == 0 || slices.Contains(f.types, e.Type)) &&
		(f.instanceID == "" || e.InstanceID == f.instanceID)
}

// apiTime renders t as the event APIs do, yyyy-MM-ddTHH:mm:ssZ; "" for a
// zero time.
func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
