package collector

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// Regions of the simulated account: fast answers at once, slow never within
// a test (a minute's latency), held answers when the test releases it.
const (
	fast = "cn-hangzhou"
	slow = "cn-shanghai"
	held = "eu-central-1"
)

// simulated is an ECS API stand-in on loopback with a real aliyun.Client
// in front of it.
type simulated struct {
	sim    *simulator.Server
	client *aliyun.Client

	mu   sync.Mutex
	hold chan struct{} // while open, the held region's requests wait
}

// startSimulated starts the simulator (three instances in each region) and
// a client for it; both stop when the test ends. The held region's
// requests wait from the start, until release.
func startSimulated(t *testing.T) *simulated {
	t.Helper()
	s := &simulated{hold: make(chan struct{})}
	s.sim, s.client = simulatedClient(t, simulator.Config{
		Regions: map[string][]simulator.Instance{
			fast: simulator.GenerateFleet(fast, 3, 1),
			slow: simulator.GenerateFleet(slow, 3, 2),
			held: simulator.GenerateFleet(held, 3, 3),
		},
		Latency:   map[string]time.Duration{slow: time.Minute},
		OnRequest: s.onRequest,
	}, aliyun.Options{Regions: []string{fast, slow, held}})
	t.Cleanup(s.release) // before Close: Close waits for held requests
	return s
}

// simulatedClient pins the environment, starts a simulator of cfg that
// opens to a made-up key, and returns it with a client of opts for it;
// both stop when the test ends.
func simulatedClient(t *testing.T, cfg simulator.Config, opts aliyun.Options) (*simulator.Server, *aliyun.Client) {
	t.Helper()
	testenv.PinEnv(t)
	cfg.Credentials = map[string]simulator.Credential{"LTAItestkey": {Secret: "test-secret"}}
	sim, base := testenv.StartSimulator(t, cfg)
	var err error
	if opts.Endpoint, err = url.Parse(base); err != nil {
		t.Fatal(err)
	}
	if opts.Credential, err = aliyun.StaticCredential("LTAItestkey", "test-secret", ""); err != nil {
		t.Fatal(err)
	}
	client, err := aliyun.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	return sim, client
}

func (s *simulated) onRequest(region string, _ int) {
	if region != held {
		return
	}
	s.mu.Lock()
	hold := s.hold
	s.mu.Unlock()
	<-hold
}

// release lets the held region's requests through, those waiting and all
// later ones, until holdAgain.
func (s *simulated) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.hold:
	default:
		close(s.hold)
	}
}

// holdAgain makes the held region's requests wait again, until release.
func (s *simulated) holdAgain() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = make(chan struct{})
}

// calls is the number of API requests the simulator has seen for region.
func (s *simulated) calls(region string) int64 { return s.sim.Stats(region).Calls }

// fleet is the region's instances as the client returns them.
func (s *simulated) fleet(region string) []aliyun.Instance {
	var out []aliyun.Instance
	for _, in := range s.sim.Instances(region) {
		out = append(out, aliyun.Instance{ID: in.ID, Status: in.Status})
	}
	return out
}

// waitFor polls cond until it holds, failing the test after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
