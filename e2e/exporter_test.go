package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	dto "github.com/prometheus/client_model/go"
)

const (
	testKey    = "LTAItestkey"
	testSecret = "e2e-secret-DO-NOT-LEAK-4f1c"
)

var knownStatuses = []string{"Pending", "Starting", "Running", "Stopping", "Stopped"}

// proxyTrap is an HTTP(S) proxy on loopback that counts what reaches it:
// any request the exporter tries to send off this machine ends up here.
func proxyTrap(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Logf("proxy trap: %s %s", r.Method, r.Host)
		http.Error(w, "no outside traffic in tests", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// startAccount runs a simulator of fleets, opened by testKey, until the test
// ends.
func startAccount(t *testing.T, fleets map[string][]simulator.Instance) (*simulator.Server, string) {
	t.Helper()
	return testenv.StartSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     fleets,
	})
}

// startOnAccount runs the exporter with env and args against a simulator
// of fleets opened by testKey, until the test ends.
func startOnAccount(t *testing.T, fleets map[string][]simulator.Instance, env []string, args ...string) *testenv.Exporter {
	t.Helper()
	_, base := startAccount(t, fleets)
	return startExporter(t, env, append([]string{"--aliyun.endpoint=" + base}, args...)...)
}

// twoAccounts runs one simulator per account, each knowing only its own
// key, and writes the credentials file and --config.file that name them.
func twoAccounts(t *testing.T, regions []string) (configFile string, env []string, fleets map[string]map[string][]simulator.Instance) {
	t.Helper()
	dir := t.TempDir()
	fleets = map[string]map[string][]simulator.Instance{}
	var creds, cfg strings.Builder
	cfg.WriteString("accounts:\n")
	for i, acct := range []string{"shop", "bank"} {
		key, secret := fmt.Sprintf("LTAI%skey", acct), fmt.Sprintf("%s-secret", acct)
		fleets[acct] = map[string][]simulator.Instance{}
		for j, r := range regions {
			fleets[acct][r] = simulator.GenerateFleet(r, 20+10*i+j, int64(100*i+j))
			// Give each account's instances IDs of their own.
			for k := range fleets[acct][r] {
				fleets[acct][r][k].ID = acct + "-" + fleets[acct][r][k].ID
			}
		}
		_, base := testenv.StartSimulator(t, simulator.Config{
			Credentials: map[string]simulator.Credential{key: {Secret: secret}},
			Regions:     fleets[acct],
		})
		fmt.Fprintf(&creds, "[%s]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n\n", acct, key, secret)
		fmt.Fprintf(&cfg, "  %s:\n    credentials:\n      profile: %s\n    endpoint: %s\n    regions: [%s]\n",
			acct, acct, base, strings.Join(regions, ", "))
	}
	credFile := filepath.Join(dir, "credentials")
	configFile = filepath.Join(dir, "accounts.yml")
	for path, text := range map[string]string{credFile: creds.String(), configFile: cfg.String()} {
		secWrite(t, path, []byte(text))
	}
	return configFile, testenv.PinnedEnv(t, "ALIBABA_CLOUD_CREDENTIALS_FILE="+credFile), fleets
}

// keyEnv is a pinned environment that holds testKey as the access key.
func keyEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	return testenv.PinnedEnv(t, append([]string{"ALIBABA_CLOUD_ACCESS_KEY_ID=" + testKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + testSecret}, extra...)...)
}

// checkFleet asserts that every instance has exactly its status at 1 and the
// other known statuses at 0, and that no other instance appears in region.
func checkFleet(t *testing.T, status map[string]float64, region string, fleet []simulator.Instance) {
	t.Helper()
	want := map[string]bool{}
	for _, in := range fleet {
		want[in.ID] = true
		for _, s := range knownStatuses {
			v, ok := status[in.ID+" "+region+" "+s]
			if !ok {
				t.Errorf("%s %s: no series for %s", region, in.ID, s)
				continue
			}
			if wantV := map[bool]float64{true: 1, false: 0}[s == in.Status]; v != wantV {
				t.Errorf("%s %s: status %s = %g, want %g", region, in.ID, s, v, wantV)
			}
		}
	}
	for k := range status {
		parts := strings.Split(k, " ")
		if parts[1] == region && !want[parts[0]] {
			t.Errorf("%s: unexpected instance %s", region, parts[0])
		}
	}
}

// scrapeFleets scrapes url, which must answer 200, checks every fleet with
// checkFleet, and returns the parsed scrape and its status series.
func scrapeFleets(t *testing.T, url string, fleets map[string][]simulator.Instance) (map[string]*dto.MetricFamily, map[string]float64, []byte) {
	t.Helper()
	code, body := scrape(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d\n%s", url, code, body)
	}
	mfs := testenv.Parse(t, body)
	status := testenv.Series(mfs, "ecs_instance_status", "instance_id", "region", "status")
	for region, fleet := range fleets {
		checkFleet(t, status, region, fleet)
	}
	return mfs, status, body
}

// checkRegionHealth asserts the scrape of the three good regions and the
// unknown xx-nowhere-1 that TestBinaryExportsEveryRegionAndSurvivesABadOne
// and TestBinaryAgainstAnIndependentStandIn configure: ecs_up 1 for the
// good ones, 0 for the bad one, whose InvalidRegionId.NotFound is counted.
func checkRegionHealth(t *testing.T, mfs map[string]*dto.MetricFamily) {
	t.Helper()
	up := testenv.Series(mfs, "ecs_up", "region")
	for region, want := range map[string]float64{"cn-hangzhou": 1, "eu-central-1": 1, "us-west-1": 1, "xx-nowhere-1": 0} {
		if got, ok := up[region]; !ok || got != want {
			t.Errorf("ecs_up{region=%q} = %g (present %v), want %g", region, got, ok, want)
		}
	}
	errs := testenv.Series(mfs, "ecs_scrape_errors_total", "region", "code")
	if errs["xx-nowhere-1 InvalidRegionId.NotFound"] < 1 {
		t.Errorf("ecs_scrape_errors_total = %v, want xx-nowhere-1 InvalidRegionId.NotFound >= 1", errs)
	}
}

func TestBinaryExportsEveryRegionAndSurvivesABadOne(t *testing.T) {
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 137, 11),
		"eu-central-1": {},
		"us-west-1":    simulator.GenerateFleet("us-west-1", 12, 12),
	}
	trap, hits := proxyTrap(t)
	env := keyEnv(t, "HTTP_PROXY="+trap, "HTTPS_PROXY="+trap)
	exp := startOnAccount(t, fleets, env,
		"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1",
		"--aliyun.region=us-west-1", "--aliyun.region=xx-nowhere-1",
		"--log.level=debug",
	)

	mfs, status, body := scrapeFleets(t, exp.URL+"/metrics", fleets)
	if n := len(status); n != (137+12)*len(knownStatuses) {
		t.Errorf("%d status series, want %d", n, (137+12)*len(knownStatuses))
	}
	checkRegionHealth(t, mfs)
	reqs := testenv.Series(mfs, "ecs_api_requests_total", "action", "region", "code")
	if got := reqs["DescribeInstanceStatus cn-hangzhou OK"]; got != 3 {
		t.Errorf("cn-hangzhou OK requests = %g, want 3 pages", got)
	}
	if _, ok := mfs["aliyun_ecs_exporter_build_info"]; !ok {
		t.Error("no aliyun_ecs_exporter_build_info")
	}
	for _, name := range []string{"ecs_scrape_duration_seconds", "ecs_last_success_timestamp_seconds", "ecs_api_request_duration_seconds", "go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := mfs[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	promtoolCheckMetrics(t, body)

	// The landing page names the regions and never the secret.
	code, landing := scrape(t, exp.URL+"/")
	if code != http.StatusOK || !strings.Contains(string(landing), "xx-nowhere-1") {
		t.Errorf("landing page: %d, regions missing:\n%s", code, landing)
	}
	for name, text := range map[string]string{"landing page": string(landing), "metrics": string(body), "log": exp.Stderr.String()} {
		if strings.Contains(text, testSecret) {
			t.Errorf("the secret appears in the %s", name)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}

func TestDemoServesAFleetWithNoCredentials(t *testing.T) {
	trap, hits := proxyTrap(t)
	exp := startExporter(t, testenv.PinnedEnv(t, "HTTP_PROXY="+trap, "HTTPS_PROXY="+trap), "--demo")
	code, body := scrape(t, exp.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", code)
	}
	mfs := testenv.Parse(t, body)
	up := testenv.Series(mfs, "ecs_up", "region")
	if len(up) < 3 {
		t.Errorf("demo has %d regions, want a few", len(up))
	}
	for r, v := range up {
		if v != 1 {
			t.Errorf("ecs_up{region=%q} = %g", r, v)
		}
	}
	current := 0
	for _, v := range testenv.Series(mfs, "ecs_instance_status", "instance_id", "region", "status") {
		if v == 1 {
			current++
		}
	}
	if current < 100 {
		t.Errorf("demo fleet has %d instances, want a few hundred", current)
	}
	promtoolCheckMetrics(t, body)
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}
