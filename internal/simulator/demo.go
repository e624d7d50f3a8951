package simulator

import (
	"context"
	"math/rand/v2"
	"time"
)

// The demo account's static access key, accepted by a Server built from
// Demo(). It opens nothing but the simulator.
const (
	DemoAccessKeyID     = "LTAIdemokey"
	DemoAccessKeySecret = "demosecret"
)

// demoSeed fixes the demo fleet, so every --demo run starts alike.
const demoSeed = 20140526

// Demo returns a Config for the exporter's --demo mode: 300 instances over
// cn-hangzhou, cn-shanghai, eu-central-1 and us-west-1, an extra empty zone
// in cn-hangzhou, a few milliseconds of latency (more for the regions far
// from China), 20 requests/second per region, and the credential
// DemoAccessKeyID / DemoAccessKeySecret.
func Demo() Config {
	sizes := map[string]int{
		"cn-hangzhou":  120,
		"cn-shanghai":  90,
		"eu-central-1": 60,
		"us-west-1":    30,
	}
	regions := make(map[string][]Instance, len(sizes))
	for name, n := range sizes {
		regions[name] = GenerateFleet(name, n, demoSeed)
	}
	return Config{
		Credentials: map[string]Credential{DemoAccessKeyID: {Secret: DemoAccessKeySecret}},
		Regions:     regions,
		Zones:       map[string][]string{"cn-hangzhou": {"cn-hangzhou-k"}},
		Latency: map[string]time.Duration{
			"":             5 * time.Millisecond,
			"eu-central-1": 30 * time.Millisecond,
			"us-west-1":    40 * time.Millisecond,
		},
		RateLimit: map[string]float64{"": 20},
	}
}

// churnNext is the status an instance moves to next.
var churnNext = map[string]string{
	StatusRunning:  StatusStopping,
	StatusStopping: StatusStopped,
	StatusStopped:  StatusStarting,
	StatusStarting: StatusRunning,
	StatusPending:  StatusRunning,
}

// Churn moves a few random instances one step along their life cycle every
// interval (Running→Stopping→Stopped→Starting→Running, Pending→Running),
// until ctx is done or the server is closed. It blocks: run it in its own
// goroutine. The choices follow from seed. A non-positive interval means
// one second.
func (s *Server) Churn(ctx context.Context, interval time.Duration, seed int64) {
	if interval <= 0 {
		interval = time.Second
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x636875726e))
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			return
		case <-t.C:
			s.churnOnce(rng)
		}
	}
}

// churnOnce moves 1–5 instances (about 1% of the fleet) one step.
func (s *Server) churnOnce(rng *rand.Rand) {
	names := s.fleet.regionNames()
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	total := 0
	for _, name := range names {
		if rf, ok := s.fleet.regions[name]; ok {
			total += len(rf.order)
		}
	}
	if total == 0 {
		return
	}
	for range min(max(total/100, 1), 5) {
		idx := rng.IntN(total)
		for _, name := range names {
			rf, ok := s.fleet.regions[name]
			if !ok {
				continue
			}
			if idx >= len(rf.order) {
				idx -= len(rf.order)
				continue
			}
			p := rf.order[idx]
			next, ok := churnNext[p.status]
			if !ok {
				next = StatusRunning
			}
			p.status = next
			break
		}
	}
}
