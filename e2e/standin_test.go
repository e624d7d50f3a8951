package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// python is the real interpreter behind python3 (a pyenv shim would put a
// shell between the test and the process it stops by PID).
func python(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("python3 is needed for the independent ECS stand-in: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestStandInPassesItsOwnSignatureVectors(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(python(t), "-m", "unittest", "-q")
	cmd.Dir = repoPath(t, "e2e/standin")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3 -m unittest: %v\n%s", err, out)
	}
}

// standInKey and standInSecret are the made-up credentials the stand-in
// accepts.
const standInKey, standInSecret = "LTAIstandinkey", "standin-secret-5d2e"

// startStandIn runs the Python stand-in on a free loopback port, serving
// fleets and accepting standInKey; extra adds fleet-file keys (latency,
// faults, churn) and args its flags. It returns the stand-in's base URL.
func startStandIn(t *testing.T, fleets map[string][]simulator.Instance, extra map[string]any, args ...string) (string, *daemon) {
	t.Helper()
	type item struct{ InstanceId, Status, ZoneId string }
	regions := map[string][]item{}
	for r, fleet := range fleets {
		regions[r] = []item{}
		for _, in := range fleet {
			regions[r] = append(regions[r], item{in.ID, in.Status, in.Zone})
		}
	}
	doc := map[string]any{"credentials": map[string]string{standInKey: standInSecret}, "regions": regions}
	for k, v := range extra {
		doc[k] = v
	}
	dir := t.TempDir()
	fleetFile, portFile := filepath.Join(dir, "fleet.json"), filepath.Join(dir, "port")
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fleetFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{repoPath(t, "e2e/standin/ecs_standin.py"), "--listen", "127.0.0.1:0",
		"--fleet", fleetFile, "--port-file", portFile}, args...)
	d := startDaemon(t, "ecs_standin.py", []string{"PYTHONDONTWRITEBYTECODE=1"}, python(t), args...)
	var port string
	if err := testenv.Eventually(30*time.Second, 50*time.Millisecond, func() error {
		p, err := os.ReadFile(portFile)
		port = strings.TrimSpace(string(p))
		if err == nil && port == "" {
			err = fmt.Errorf("empty port file")
		}
		return err
	}); err != nil {
		t.Fatalf("the stand-in never wrote its port: %v", err)
	}
	return "http://127.0.0.1:" + port, d
}

// startExporterOnStandIn runs the exporter against the stand-in at base with
// standInKey and a proxyTrap, whose hit counter it returns.
func startExporterOnStandIn(t *testing.T, base string, args ...string) (*testenv.Exporter, *atomic.Int64) {
	t.Helper()
	trap, hits := proxyTrap(t)
	exp := startExporter(t, testenv.PinnedEnv(t,
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+standInKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+standInSecret,
		"HTTP_PROXY="+trap, "HTTPS_PROXY="+trap),
		append([]string{"--aliyun.endpoint=" + base}, args...)...)
	return exp, hits
}

// TestBinaryAgainstAnIndependentStandIn runs the exporter against an ECS API
// stand-in written in Python from the API documentation, not this project's
// simulator: it verifies the SDK's V3 signatures itself and pages on its own.
func TestBinaryAgainstAnIndependentStandIn(t *testing.T) {
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 137, 41), // three pages of 50
		"eu-central-1": {},
		"us-west-1":    simulator.GenerateFleet("us-west-1", 9, 42),
	}
	base, _ := startStandIn(t, fleets, nil)
	exp, hits := startExporterOnStandIn(t, base,
		"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1",
		"--aliyun.region=us-west-1", "--aliyun.region=xx-nowhere-1")

	mfs, status, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	checkRegionHealth(t, mfs)
	if got := testenv.Series(mfs, "ecs_api_requests_total", "action", "region", "code")["DescribeInstanceStatus cn-hangzhou OK"]; got != 3 {
		t.Errorf("cn-hangzhou took %g OK requests, want 3 pages", got)
	}
	t.Logf("against the Python stand-in: %d status series, ecs_up %v, errors %v", len(status),
		testenv.Series(mfs, "ecs_up", "region"), testenv.Series(mfs, "ecs_scrape_errors_total", "region", "code"))
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}
