package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
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
	cmd := exec.Command(python(t), "-m", "unittest", "-q")
	cmd.Dir = repoPath(t, "e2e/standin")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3 -m unittest: %v\n%s", err, out)
	}
}

// TestBinaryAgainstAnIndependentStandIn runs the exporter against an ECS API
// stand-in written in Python from the API documentation, not this project's
// simulator: it verifies the SDK's V3 signatures itself and pages on its own.
func TestBinaryAgainstAnIndependentStandIn(t *testing.T) {
	const key, secret = "LTAIstandinkey", "standin-secret-5d2e"
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 137, 41), // three pages of 50
		"eu-central-1": {},
		"us-west-1":    simulator.GenerateFleet("us-west-1", 9, 42),
	}
	type item struct{ InstanceId, Status, ZoneId string }
	regions := map[string][]item{}
	for r, fleet := range fleets {
		regions[r] = []item{}
		for _, in := range fleet {
			regions[r] = append(regions[r], item{in.ID, in.Status, in.Zone})
		}
	}
	dir := t.TempDir()
	fleetFile, portFile := filepath.Join(dir, "fleet.json"), filepath.Join(dir, "port")
	b, err := json.Marshal(map[string]any{"credentials": map[string]string{key: secret}, "regions": regions})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fleetFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, "ecs_standin.py", []string{"PYTHONDONTWRITEBYTECODE=1"}, python(t),
		repoPath(t, "e2e/standin/ecs_standin.py"), "--listen", "127.0.0.1:0", "--fleet", fleetFile, "--port-file", portFile)
	var port string
	if err := eventually(30*time.Second, 50*time.Millisecond, func() error {
		p, err := os.ReadFile(portFile)
		port = strings.TrimSpace(string(p))
		if err == nil && port == "" {
			err = fmt.Errorf("empty port file")
		}
		return err
	}); err != nil {
		t.Fatalf("the stand-in never wrote its port: %v", err)
	}

	trap, hits := proxyTrap(t)
	exp := startExporter(t, pinnedEnv(t,
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+key, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secret,
		"HTTP_PROXY="+trap, "HTTPS_PROXY="+trap),
		"--aliyun.endpoint=http://127.0.0.1:"+port,
		"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1",
		"--aliyun.region=us-west-1", "--aliyun.region=xx-nowhere-1")

	mfs, status, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	checkRegionHealth(t, mfs)
	if got := series(mfs, "ecs_api_requests_total", "action", "region", "code")["DescribeInstanceStatus cn-hangzhou OK"]; got != 3 {
		t.Errorf("cn-hangzhou took %g OK requests, want 3 pages", got)
	}
	t.Logf("against the Python stand-in: %d status series, ecs_up %v, errors %v", len(status),
		series(mfs, "ecs_up", "region"), series(mfs, "ecs_scrape_errors_total", "region", "code"))
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}
