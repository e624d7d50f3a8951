package aliyun

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
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
func pinEnv(t *testing.T) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_CREDENTIALS_URI"} {
		t.Setenv(v, "")
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

func ids(insts []Instance) []string {
	out := make([]string, len(insts))
	for i, in := range insts {
		out[i] = in.ID
	}
	return out
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

func TestPagesThroughEveryInstanceOfARegion(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 137, 1)
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	for _, v1 := range []bool{false, true} {
		t.Run(fmt.Sprintf("signature v1=%v", v1), func(t *testing.T) {
			sim.ResetStats()
			c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.signatureV1 = v1 })
			got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			wantFleet(t, got, fleet)
			if n := sim.Stats("cn-hangzhou").Calls; n != 3 {
				t.Errorf("simulator saw %d calls for 137 instances at page size 50, want 3", n)
			}
			if n := rec.count("cn-hangzhou", "OK"); n != 3 {
				t.Errorf("observer saw %d OK requests, want 3", n)
			}
		})
	}
}

func TestSmallPageSizeStillGetsEveryInstance(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 137, 2)
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.PageSize = 7; o.MaxInflight = 4 })
	got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFleet(t, got, fleet)
	st := sim.Stats("cn-hangzhou")
	if st.Calls != 20 {
		t.Errorf("simulator saw %d calls, want 20 pages of 7", st.Calls)
	}
	if st.MaxInFlight > 4 {
		t.Errorf("%d requests were in flight at once, cap is 4", st.MaxInFlight)
	}
}

func TestEmptyRegionIsASuccessWithNoInstances(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"eu-central-1": {}}})
	c, _ := newTestClient(t, ep, []string{"eu-central-1"})
	got, err := c.InstanceStatuses(context.Background(), "eu-central-1", nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no instances and no error", got, err)
	}
}

func TestZoneFilterSendsZoneIdAndMergesZones(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 90, 3)
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	zones := map[string]bool{}
	for _, in := range fleet {
		zones[in.Zone] = true
	}
	var names []string
	for z := range zones {
		names = append(names, z)
	}
	sort.Strings(names)
	if len(names) < 2 {
		t.Fatalf("fleet has zones %v, want at least 2", names)
	}
	pick := names[:2]
	var want []simulator.Instance
	for _, in := range fleet {
		if in.Zone == pick[0] || in.Zone == pick[1] {
			want = append(want, in)
		}
	}
	got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", pick)
	if err != nil {
		t.Fatal(err)
	}
	wantFleet(t, got, want)
}

func TestFailuresCarryTheAPIErrorCode(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 10, 4)
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	for _, tc := range []struct {
		name       string
		region     string
		zones      []string
		key        string
		secret     string
		wantCode   string
		wantStatus int
	}{
		{"an unknown region is InvalidRegionId.NotFound", "xx-nowhere-1", nil, testKey, testSecret, "InvalidRegionId.NotFound", 404},
		{"an unknown zone is InvalidZoneId.NotFound", "cn-hangzhou", []string{"cn-hangzhou-z"}, testKey, testSecret, "InvalidZoneId.NotFound", 404},
		{"a wrong secret is SignatureDoesNotMatch", "cn-hangzhou", nil, testKey, "wrongsecret", "SignatureDoesNotMatch", 400},
		{"an unknown key is InvalidAccessKeyId.NotFound", "cn-hangzhou", nil, "LTAIunknown", testSecret, "InvalidAccessKeyId.NotFound", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pinEnv(t)
			cred, err := StaticCredential(tc.key, tc.secret, "")
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			c, err := New(Options{Regions: []string{tc.region}, Credential: cred, Endpoint: ep, MaxRetries: 3, Observer: rec})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.InstanceStatuses(context.Background(), tc.region, tc.zones)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Code != tc.wantCode || e.HTTPStatus != tc.wantStatus {
				t.Errorf("got code %q status %d, want %q %d", e.Code, e.HTTPStatus, tc.wantCode, tc.wantStatus)
			}
			if n := rec.count(tc.region, tc.wantCode); n != 1 {
				t.Errorf("observer saw %d %s requests, want exactly 1 (client errors are not retried)", n, tc.wantCode)
			}
		})
	}
}

func TestTransientFailuresAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault simulator.Fault
		code  string
	}{
		{"throttled then OK", simulator.Fault{Times: 2, Status: 400, Code: "Throttling.User", Message: "Request was denied due to user flow control."}, "Throttling.User"},
		{"503 then OK", simulator.Fault{Times: 1, Status: 503, Code: "ServiceUnavailable", Message: "The request has failed due to a temporary failure of the server."}, "ServiceUnavailable"},
		{"HTML 502 from a proxy then OK", simulator.Fault{Times: 1, Status: 502, Body: []byte("<html><body>Bad Gateway</body></html>"), ContentType: "text/html"}, CodeDecode},
		{"connection reset then OK", simulator.Fault{Times: 1, Reset: true}, CodeNetwork},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fleet := simulator.GenerateFleet("cn-hangzhou", 60, 5)
			sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
			sim.InjectFault("cn-hangzhou", tc.fault)
			c, rec := newTestClient(t, ep, []string{"cn-hangzhou"})
			c.backoff = backoff{base: time.Millisecond, max: 5 * time.Millisecond}
			got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			wantFleet(t, got, fleet)
			wantFailed := max(tc.fault.Times, 1)
			if n := rec.count("cn-hangzhou", tc.code); n != wantFailed {
				t.Errorf("observer saw %d %s requests, want %d", n, tc.code, wantFailed)
			}
			if n := rec.count("cn-hangzhou", "OK"); n != 2 {
				t.Errorf("observer saw %d OK requests, want 2 pages", n)
			}
		})
	}
}

func TestRetriesGiveUpAfterMaxRetries(t *testing.T) {
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 6)}})
	sim.InjectFault("cn-hangzhou", simulator.Fault{Status: 503, Code: "ServiceUnavailable"})
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.MaxRetries = 2 })
	c.backoff = backoff{base: time.Millisecond, max: 2 * time.Millisecond}
	_, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if ErrorCode(err) != "ServiceUnavailable" {
		t.Fatalf("got %v, want ServiceUnavailable", err)
	}
	if n := rec.count("cn-hangzhou", "ServiceUnavailable"); n != 3 {
		t.Errorf("observer saw %d attempts, want 1 + 2 retries", n)
	}
}

func TestDeadlineExceededIsATimeout(t *testing.T) {
	_, ep := startSim(t, simulator.Config{
		Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 7)},
		Latency: map[string]time.Duration{"cn-hangzhou": 5 * time.Second},
	})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.InstanceStatuses(ctx, "cn-hangzhou", nil)
	if ErrorCode(err) != CodeTimeout {
		t.Fatalf("got %v, want code timeout", err)
	}
}

func TestRetryBackoffNeverPassesTheDeadline(t *testing.T) {
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 8)}})
	sim.InjectFault("cn-hangzhou", simulator.Fault{Status: 400, Code: "Throttling.User"})
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.MaxRetries = 10 })
	c.backoff = backoff{base: time.Hour, max: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.InstanceStatuses(ctx, "cn-hangzhou", nil)
	if ErrorCode(err) != "Throttling.User" {
		t.Fatalf("got %v, want the throttling error itself", err)
	}
	if ctx.Err() != nil {
		t.Error("the call waited until the deadline instead of giving up at once")
	}
	if n := rec.count("cn-hangzhou", "Throttling.User"); n != 1 {
		t.Errorf("observer saw %d attempts, want 1: a retry that cannot finish in time is not made", n)
	}
}

func TestListingThatChangesMidSweepLosesNobody(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(sim *simulator.Server, fleet []simulator.Instance)
	}{
		{"an instance created at the head shifts every later page by one", func(sim *simulator.Server, fleet []simulator.Instance) {
			sim.Insert("cn-hangzhou", simulator.Instance{ID: "i-inserted-at-head", Zone: fleet[0].Zone, Status: "Pending"}, true)
		}},
		{"an instance deleted at the head shifts every later page back by one", func(sim *simulator.Server, fleet []simulator.Instance) {
			sim.Remove("cn-hangzhou", fleet[0].ID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fleet := simulator.GenerateFleet("cn-hangzhou", 120, 9)
			var once sync.Once
			var sim *simulator.Server
			sim, ep := startSim(t, simulator.Config{
				Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet},
				OnRequest: func(region string, page int) {
					// Change the listing once, just after page 1 was served.
					if page > 1 {
						once.Do(func() { tc.change(sim, fleet) })
					}
				},
			})
			c, _ := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.MaxInflight = 1 })
			got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			// The pages disagreed on TotalCount, so the sweep paged through
			// the listing again and returned exactly what is there now.
			wantFleet(t, got, sim.Instances("cn-hangzhou"))
		})
	}
}

func TestCredentialFailureIsCodedCredentials(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": {}}})
	pinEnv(t)
	c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: &Credential{vendor: failingCredential{}}, Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if ErrorCode(err) != CodeCredentials {
		t.Fatalf("got %v, want code credentials", err)
	}
}

func TestSTSTokenIsSent(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 3, 10)
	_, ep := startSim(t, simulator.Config{
		Regions:     map[string][]simulator.Instance{"cn-hangzhou": fleet},
		Credentials: map[string]simulator.Credential{"STS.testkey": {Secret: testSecret, SecurityToken: "test-sts-token"}},
	})
	pinEnv(t)
	cred, err := StaticCredential("STS.testkey", testSecret, "test-sts-token")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFleet(t, got, fleet)
}

func TestDefaultChainReadsEnvironmentKeys(t *testing.T) {
	pinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testKey)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	cred, err := DefaultCredential()
	if err != nil {
		t.Fatal(err)
	}
	provider, err := ResolveCredential(cred)
	if err != nil {
		t.Fatal(err)
	}
	if provider == "" || provider == testKey || provider == testSecret {
		t.Errorf("provider name %q", provider)
	}
}

func TestNoCredentialNamesEveryOption(t *testing.T) {
	pinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	cred, err := DefaultCredential()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ResolveCredential(cred)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("got %v, want ErrNoCredentials", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	cred, _ := StaticCredential(testKey, testSecret, "")
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"no credential", Options{Regions: []string{"cn-hangzhou"}}},
		{"page size 51", Options{Regions: []string{"cn-hangzhou"}, Credential: cred, PageSize: 51}},
		{"page size -1", Options{Regions: []string{"cn-hangzhou"}, Credential: cred, PageSize: -1}},
		{"unknown network", Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Network: "intranet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.opts); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestEndpoints(t *testing.T) {
	cred, _ := StaticCredential(testKey, testSecret, "")
	for _, tc := range []struct {
		network, region, want string
	}{
		{"public", "cn-hangzhou", "ecs-cn-hangzhou.aliyuncs.com"},
		{"public", "eu-central-1", "ecs.eu-central-1.aliyuncs.com"},
		{"vpc", "cn-hangzhou", "ecs-vpc.cn-hangzhou.aliyuncs.com"},
		{"vpc", "eu-central-1", "ecs-vpc.eu-central-1.aliyuncs.com"},
	} {
		c, err := New(Options{Regions: []string{tc.region}, Credential: cred, Network: tc.network})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Endpoint(tc.region); got != tc.want {
			t.Errorf("%s %s: endpoint %q, want %q", tc.network, tc.region, got, tc.want)
		}
		c.Close()
	}
}

// failingCredential is a credential chain that never resolves.
type failingCredential struct{}

var errNoCred = errors.New("no provider in the chain had a credential")

func (failingCredential) GetAccessKeyId() (*string, error)     { return nil, errNoCred }
func (failingCredential) GetAccessKeySecret() (*string, error) { return nil, errNoCred }
func (failingCredential) GetSecurityToken() (*string, error)   { return nil, errNoCred }
func (failingCredential) GetBearerToken() *string              { return nil }
func (failingCredential) GetType() *string                     { return nil }
func (failingCredential) GetCredential() (*credentials.CredentialModel, error) {
	return nil, errNoCred
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
