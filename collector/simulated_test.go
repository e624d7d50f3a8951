package collector

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
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
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"} {
		t.Setenv(v, "")
	}
	s := &simulated{hold: make(chan struct{})}
	s.sim = simulator.New(simulator.Config{
		Credentials: map[string]simulator.Credential{"LTAItestkey": {Secret: "test-secret"}},
		Regions: map[string][]simulator.Instance{
			fast: simulator.GenerateFleet(fast, 3, 1),
			slow: simulator.GenerateFleet(slow, 3, 2),
			held: simulator.GenerateFleet(held, 3, 3),
		},
		Latency:   map[string]time.Duration{slow: time.Minute},
		OnRequest: s.onRequest,
	})
	base, err := s.sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.sim.Close() })
	t.Cleanup(s.release) // before Close: Close waits for held requests
	endpoint, _ := url.Parse(base)
	cred, err := aliyun.StaticCredential("LTAItestkey", "test-secret", "")
	if err != nil {
		t.Fatal(err)
	}
	s.client, err = aliyun.New(aliyun.Options{Regions: []string{fast, slow, held}, Credential: cred, Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.client.Close)
	return s
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
