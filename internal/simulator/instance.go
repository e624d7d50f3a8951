package simulator

import (
	"maps"
	"slices"
	"time"
)

// Instance is one ECS instance in the simulated fleet. Name, Type, Tags,
// ChargeType, ExpiredTime and Locks are only reported by
// DescribeInstances; Health only by DescribeInstancesFullStatus.
type Instance struct {
	ID, Zone, Status string
	Name, Type       string
	Tags             map[string]string
	// Health is the platform's health verdict (HealthOk, HealthImpaired,
	// …); empty means HealthOk.
	Health string
	// ChargeType is ChargePrePaid or ChargePostPaid; empty means
	// ChargePostPaid.
	ChargeType string
	// ExpiredTime is when a PrePaid subscription ends. DescribeInstances
	// reports the API's far-future placeholder instead for PostPaid
	// instances, and for a zero ExpiredTime.
	ExpiredTime time.Time
	// Locks are the instance's OperationLocks reasons: financial,
	// security, recycling, dedicatedhostfinancial or refunded.
	Locks []string
}

// Instance statuses the ECS API reports.
const (
	StatusPending  = "Pending"
	StatusStarting = "Starting"
	StatusRunning  = "Running"
	StatusStopping = "Stopping"
	StatusStopped  = "Stopped"
)

// Health names DescribeInstancesFullStatus reports.
const (
	HealthOk               = "Ok"
	HealthImpaired         = "Impaired"
	HealthWarning          = "Warning"
	HealthMaintaining      = "Maintaining"
	HealthInitializing     = "Initializing"
	HealthInsufficientData = "InsufficientData"
	HealthNotApplicable    = "NotApplicable"
)

// Instance charge types.
const (
	ChargePrePaid  = "PrePaid"  // a subscription, with an ExpiredTime
	ChargePostPaid = "PostPaid" // pay-as-you-go
)

// churnNext is the status an instance moves to next in its life cycle.
var churnNext = map[string]string{
	StatusRunning:  StatusStopping,
	StatusStopping: StatusStopped,
	StatusStopped:  StatusStarting,
	StatusStarting: StatusRunning,
	StatusPending:  StatusRunning,
}

// clone copies in, tags and locks included, so that neither copy shares a
// map or a slice with the other.
func (in Instance) clone() *Instance {
	in.Tags = maps.Clone(in.Tags)
	in.Locks = slices.Clone(in.Locks)
	return &in
}

// health is the instance's health name as the API reports it.
func (in *Instance) health() string {
	if in.Health == "" {
		return HealthOk
	}
	return in.Health
}

// chargeType is the instance's charge type as the API reports it.
func (in *Instance) chargeType() string {
	if in.ChargeType == "" {
		return ChargePostPaid
	}
	return in.ChargeType
}
