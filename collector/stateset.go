package collector

import (
	"strings"
	"sync"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// KnownStatuses are the ECS instance statuses of the state set, in the order
// they are emitted.
var KnownStatuses = []string{"Pending", "Starting", "Running", "Stopping", "Stopped"}

// KnownHealthStatuses are the health statuses of DescribeInstancesFullStatus
// in the health state set, in the order they are emitted. The API's value
// is matched to them ignoring case, so the "OK" some pages write is "Ok".
var KnownHealthStatuses = []string{"Ok", "Impaired", "Warning", "Maintaining", "Initializing", "InsufficientData", "NotApplicable"}

// stateSet spells an instance's enum value (its status, its health) as the
// series of a state set. It remembers the unknown values it has warned
// about, to warn once each.
type stateSet struct {
	what, key   string   // what the value is, and its log key: "status", "health_status"
	known       []string // the values of the set, in order
	foldCase    bool     // match known values ignoring case
	onlyCurrent bool
	logger      log.Logger
	warned      sync.Map // unknown values already logged
}

// each calls emit for each series of one instance's state set: the known
// values in order (only the current one with onlyCurrent), then an
// unknown current value as a series of its own, warned about once.
func (s *stateSet) each(region, id, value string, emit func(state string, v float64)) {
	known := false
	for _, k := range s.known {
		switch {
		case k == value || (s.foldCase && strings.EqualFold(k, value)):
			known = true
			emit(k, 1)
		case !s.onlyCurrent:
			emit(k, 0)
		}
	}
	if known {
		return
	}
	if _, seen := s.warned.LoadOrStore(value, true); !seen {
		level.Warn(s.logger).Log("msg", "instance "+s.what+" outside the known state set; emitting it as its own series",
			s.key, value, "instance_id", id, "region", region)
	}
	emit(value, 1)
}
