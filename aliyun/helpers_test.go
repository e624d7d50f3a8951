package aliyun

// Helpers shared by the package's tests: a simulator, a client wired to
// it, and an Observer that counts attempts.

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testKey    = "LTAItestkey"
	testSecret = "testsecret"
)

// startSim runs a simulator for the test's lifetime; cfg opens it to
// testKey unless it names its own credentials.
func startSim(tb testing.TB, cfg simulator.Config) (*simulator.Server, *url.URL) {
	tb.Helper()
	if cfg.Credentials == nil {
		cfg.Credentials = map[string]simulator.Credential{testKey: {Secret: testSecret}}
	}
	sim, base := testenv.StartSimulator(tb, cfg)
	return sim, mustURL(tb, base)
}

// startFleet runs a simulator (startSim) serving a generated fleet of n
// instances in cn-hangzhou, and returns the fleet with it.
func startFleet(tb testing.TB, n int, seed int64) ([]simulator.Instance, *simulator.Server, *url.URL) {
	tb.Helper()
	fleet := simulator.GenerateFleet("cn-hangzhou", n, seed)
	sim, ep := startSim(tb, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	return fleet, sim, ep
}

// recorder is an Observer that remembers every attempt.
type recorder struct {
	mu    sync.Mutex
	codes map[string]int // "region code" -> count
}

func (r *recorder) ObserveRequest(action, region, code string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.codes == nil {
		r.codes = map[string]int{}
	}
	r.codes[region+" "+code]++
}

func (r *recorder) count(region, code string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.codes[region+" "+code]
}

type clientOpt func(*Options)

func newTestClient(t *testing.T, endpoint *url.URL, regions []string, opts ...clientOpt) (*Client, *recorder) {
	t.Helper()
	testenv.PinEnv(t)
	cred, err := StaticCredential(testKey, testSecret, "")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	o := Options{Regions: regions, Credential: cred, Endpoint: endpoint, MaxRetries: 3, Observer: rec}
	for _, f := range opts {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, rec
}

func wantFleet(t *testing.T, got []Instance, want []simulator.Instance) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d instances, want %d", len(got), len(want))
	}
	byID := map[string]string{}
	for _, w := range want {
		byID[w.ID] = w.Status
	}
	for _, g := range got {
		s, ok := byID[g.ID]
		if !ok {
			t.Fatalf("unexpected instance %s", g.ID)
		}
		if s != g.Status {
			t.Errorf("%s: status %q, want %q", g.ID, g.Status, s)
		}
		delete(byID, g.ID)
	}
	if len(byID) != 0 {
		t.Errorf("missing instances: %v", byID)
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
