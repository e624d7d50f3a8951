package aliyun

import "time"

// InstanceHealth is one instance's entry of DescribeInstancesFullStatus:
// its status and the platform's health verdict, as the API names them (the
// health Name, e.g. "Ok", "Impaired"; never its numeric Code).
type InstanceHealth struct {
	ID, Status, Health string
}

// InstanceEvent is one system event of DescribeInstanceHistoryEvents (or of
// DescribeInstancesFullStatus's scheduled events). Times are zero when the
// API leaves them out. Reason is free text: it is never a label.
type InstanceEvent struct {
	InstanceID string
	ID         string // EventId
	Type       string // EventType.Name, e.g. SystemMaintenance.Reboot
	Status     string // EventCycleStatus.Name: Scheduled, Executing, Inquiring, Executed, Avoided, Canceled, Failed
	NotBefore  time.Time
	Published  time.Time
	Finished   time.Time
	Reason     string
}

// ActiveEventStatuses are the cycle statuses of events still to come or
// under way. DescribeInstanceHistoryEvents lists only finished events
// unless it is asked for these.
var ActiveEventStatuses = []string{"Scheduled", "Executing", "Inquiring"}

// FinishedEventStatuses are the cycle statuses of events that are over.
var FinishedEventStatuses = []string{"Executed", "Avoided", "Canceled", "Failed"}
