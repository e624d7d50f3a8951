package collector

import (
	"sync"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// KnownStatuses are the ECS instance statuses of the state set, in the order
// they are emitted.
var KnownStatuses = []string{"Pending", "Starting", "Running", "Stopping", "Stopped"}

// stateSets spells an instance's status as the series of its state set. It
// remembers the unknown statuses it has warned about, to warn once each.
type stateSets struct {
	onlyCurrent bool
	logger      log.Logger
	warned      sync.Map // unknown status values already logged
}

// each calls emit for each series of one instance's state set: the known
// statuses in order (only the current one with onlyCurrent), then an
// unknown current status as a series of its own, warned about once.
func (s *stateSets) each(region string, in aliyun.Instance, emit func(status string, v float64)) {
	known := false
	for _, k := range KnownStatuses {
		switch {
		case k == in.Status:
			known = true
			emit(k, 1)
		case !s.onlyCurrent:
			emit(k, 0)
		}
	}
	if known {
		return
	}
	if _, seen := s.warned.LoadOrStore(in.Status, true); !seen {
		level.Warn(s.logger).Log("msg", "instance status outside the known state set; emitting it as its own series",
			"status", in.Status, "instance_id", in.ID, "region", region)
	}
	emit(in.Status, 1)
}
