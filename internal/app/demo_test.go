package app

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/go-kit/log"
)

// answers says whether something listens at the endpoint's host.
func answers(t *testing.T, host string) bool {
	t.Helper()
	c, err := net.Dial("tcp", host)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func TestTheDemoSimulatorAnswersUntilClosed(t *testing.T) {
	d, err := startDemo(log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Get(d.endpoint.String() + "/?Action=DescribeRegions")
	if err != nil {
		d.Close()
		t.Fatal(err)
	}
	resp.Body.Close()
	client.CloseIdleConnections()
	d.Close() // returns once the churn has stopped
	select {
	case <-d.churned:
	default:
		t.Error("the churn still runs after Close")
	}
	if answers(t, d.endpoint.Host) {
		t.Errorf("the simulator still listens at %s after Close", d.endpoint.Host)
	}
	d.Close() // a second Close is harmless
}

func TestTheDemoServesItsFleetAndTheAppClosesTheSimulator(t *testing.T) {
	testenv.PinEnv(t)
	a, logs := newApp(t, "--demo")
	if a.demo == nil || !answers(t, a.demo.endpoint.Host) {
		t.Fatal("no demo simulator listening")
	}
	code, body := get(t, a, "/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: %d\n%s", code, body)
	}
	up := gauges(t, body, "ecs_up", "region")
	for _, r := range []string{"cn-hangzhou", "cn-shanghai", "eu-central-1", "us-west-1"} {
		if up[r] != 1 {
			t.Errorf("ecs_up{region=%q} = %g, want 1 (all: %v)", r, up[r], up)
		}
	}
	if !strings.Contains(logs.String(), "demo mode: serving a simulated fleet") {
		t.Errorf("the log does not say it is a demo:\n%s", logs)
	}

	a.Close()
	if answers(t, a.demo.endpoint.Host) {
		t.Error("the demo simulator still listens after the App closed")
	}
}

func TestTheLandingPageLinksTheMetricsTheRegionsAndAProbe(t *testing.T) {
	testenv.PinEnv(t)
	a, _ := newApp(t, "--demo", "--web.telemetry-path=/fleet")
	code, page := get(t, a, "/")
	if code != 200 {
		t.Fatalf("GET /: %d", code)
	}
	for _, want := range []string{
		`href="/fleet"`, "Regions: cn-hangzhou, cn-shanghai, eu-central-1, us-west-1",
		`href="/probe?region=cn-hangzhou&amp;account=default"`, "Probe default in cn-hangzhou",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the landing page lacks %q:\n%s", want, page)
		}
	}
	if code, _ := get(t, a, "/fleet"); code != 200 {
		t.Errorf("GET /fleet: %d", code)
	}
}
