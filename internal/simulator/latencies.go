package simulator

import (
	"maps"
	"time"
)

// latencies is Config.Latency: the delay before each call of a region is
// answered. It is read-only after newLatencies, so it needs no lock.
type latencies map[string]time.Duration

func newLatencies(cfg map[string]time.Duration) latencies { return maps.Clone(cfg) }

// of is the region's configured latency, else the "" default.
func (l latencies) of(region string) time.Duration {
	if d, ok := l[region]; ok {
		return d
	}
	return l[""]
}
