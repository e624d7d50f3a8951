package simulator

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
)

// GenerateFleet builds a deterministic fleet of n instances in region. IDs
// are "i-" + 8 hex digits of the region's hash + a 10-digit sequence number,
// so they are stable for (region, i) and sort in sequence order. Zones are
// "<region>-a", "-b" and "-c" round-robin. About 80% of the instances are
// Running, 17% Stopped and 3% Pending, Starting or Stopping, drawn from seed.
// Names are "<role>-<n>", types cycle through a few instance types, and
// every instance has "team" and "env" tags.
func GenerateFleet(region string, n int, seed int64) []Instance {
	if n <= 0 {
		return []Instance{}
	}
	h := regionHash(region)
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(h)))
	transitional := [...]string{StatusPending, StatusStarting, StatusStopping}
	out := make([]Instance, n)
	for i := range out {
		status := StatusRunning
		switch x := rng.IntN(100); {
		case x >= 97:
			status = transitional[rng.IntN(len(transitional))]
		case x >= 80:
			status = StatusStopped
		}
		role := roles[i%len(roles)]
		out[i] = Instance{
			ID:     fmt.Sprintf("i-%08x%010d", h, i),
			Zone:   region + "-" + string(rune('a'+i%3)),
			Status: status,
			Name:   fmt.Sprintf("%s-%d", role.name, i),
			Type:   instanceTypes[i%len(instanceTypes)],
			Tags:   map[string]string{"team": role.team, "env": envs[i%len(envs)]},
		}
	}
	return out
}

var (
	roles = []struct{ name, team string }{
		{"checkout-db", "payments"}, {"web", "storefront"}, {"search", "discovery"}, {"batch", "data"},
	}
	instanceTypes = []string{"ecs.g7.large", "ecs.c7.xlarge", "ecs.r7.2xlarge", "ecs.t6-c1m1.large"}
	envs          = []string{"prod", "prod", "staging"}
)

func regionHash(region string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(region))
	return h.Sum32()
}
