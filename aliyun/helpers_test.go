package aliyun

// Helpers shared by the package's tests: a pinned environment, a
// simulator, a client wired to it, and an Observer that counts attempts.

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testKey    = "LTAItestkey"
	testSecret = "testsecret"
)

// pinEnv keeps the vendor credential chain and the HTTP stack on loopback:
// no metadata server, no CLI profile, no home directory files, no proxies.
func pinEnv(tb testing.TB) {
	tb.Helper()
	tb.Setenv("HOME", tb.TempDir())
	tb.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	tb.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_CREDENTIALS_URI"} {
		tb.Setenv(v, "")
	}
}

// startSim runs a simulator for the test's lifetime.
func startSim(t *testing.T, cfg simulator.Config) (*simulator.Server, *url.URL) {
	t.Helper()
	if cfg.Credentials == nil {
		cfg.Credentials = map[string]simulator.Credential{testKey: {Secret: testSecret}}
	}
	sim := simulator.New(cfg)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return sim, u
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
	pinEnv(t)
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
