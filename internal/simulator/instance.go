package simulator

import "maps"

// Instance is one ECS instance in the simulated fleet. Name, Type and Tags
// are only reported by DescribeInstances.
type Instance struct {
	ID, Zone, Status string
	Name, Type       string
	Tags             map[string]string
}

// Instance statuses the ECS API reports.
const (
	StatusPending  = "Pending"
	StatusStarting = "Starting"
	StatusRunning  = "Running"
	StatusStopping = "Stopping"
	StatusStopped  = "Stopped"
)

// churnNext is the status an instance moves to next in its life cycle.
var churnNext = map[string]string{
	StatusRunning:  StatusStopping,
	StatusStopping: StatusStopped,
	StatusStopped:  StatusStarting,
	StatusStarting: StatusRunning,
	StatusPending:  StatusRunning,
}

// clone copies in, tags included, so that neither copy shares a map with
// the other.
func (in Instance) clone() *Instance {
	in.Tags = maps.Clone(in.Tags)
	return &in
}
