package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// TestStackAlertsOnAStoppedInstanceAndServesTheDashboard runs the exporter
// against the simulator behind a real Prometheus (the shipped scrape config,
// recording rules and alert rules, the for of EcsInstanceStopped and issue
// 11's five lifecycle alerts shortened) and a real Alertmanager (the shipped
// routes, webhooks sent to this test). It waits for each lifecycle alert at
// the webhook for exactly the instances the fleet marks, stops an instance
// and waits for the alert at the webhook, starts it again and waits for the
// resolution, then runs every query of the dashboard and every recording
// rule, and checks that a subscription 200 days away never alerted.
func TestStackAlertsOnAStoppedInstanceAndServesTheDashboard(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	t.Run("the lifecycle alerts reach the webhook for the marked instances", s.testLifecycleAlerts)
	t.Run("EcsInstanceStopped reaches the webhook and resolves", s.testStoppedAlert)
	t.Run("every recording rule returns data", s.testRecordingRules)
	t.Run("every dashboard query returns data", s.testDashboardQueries)
	t.Run("EcsInstanceExpiringSoon stays silent 200 days away", s.testFarSubscriptionStaysSilent)
}

func (s *stack) testStoppedAlert(t *testing.T) {
	target := s.regions[regionHealthy][0]
	labels := map[string]string{"alertname": "EcsInstanceStopped", "instance_id": target.ID, "region": regionHealthy}
	running := fmt.Sprintf(`ecs_instance_status{instance_id=%q, status="Running"} == 1`, target.ID)
	if err := s.waitForData(running, 0, 30*time.Second); err != nil {
		t.Fatalf("Prometheus never saw %s Running: %v", target.ID, err)
	}

	stopped := time.Now()
	if !s.sim.SetStatus(regionHealthy, target.ID, simulator.StatusStopped) {
		t.Fatalf("the simulator has no instance %s", target.ID)
	}
	// The bound issue #3 sets: one scrape, the rule's for, Alertmanager's
	// group_wait, and 5s for evaluation, sending and scheduling.
	bound := stackInterval + stackFor + stackWait + 5*time.Second
	var firing webhookMessage
	var alert webhookAlert
	err := testenv.Eventually(bound+30*time.Second, 50*time.Millisecond, func() error {
		var ok bool
		if firing, alert, ok = s.webhook.first(stopped, "firing", labels); !ok {
			return fmt.Errorf("no firing EcsInstanceStopped for %s yet", target.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; notifications received:\n%s", err, s.webhook)
	}
	delay := firing.Received.Sub(stopped)
	t.Logf("EcsInstanceStopped for %s in %s reached the webhook (receiver %s) %.1fs after the stop; bound %s = scrape interval %s + for %s + group_wait %s + 5s",
		target.ID, regionHealthy, firing.Receiver, delay.Seconds(), bound, stackInterval, stackFor, stackWait)
	if delay > bound {
		t.Errorf("the alert took %s, more than %s", delay, bound)
	}
	if firing.Receiver != "ecs-pager" || firing.Path != "/ecs-pager" {
		t.Errorf("the alert went to receiver %q at %s, want the shipped route's ecs-pager", firing.Receiver, firing.Path)
	}
	if alert.Labels["severity"] != "critical" || !strings.Contains(alert.Annotations["summary"], target.ID) ||
		!strings.Contains(alert.Annotations["description"], regionHealthy) {
		t.Errorf("the alert lacks severity or names neither instance nor region: %+v", alert)
	}
	// With --collector.info the annotations name the instance, joined from
	// ecs_instance_info.
	if want := fmt.Sprintf("%s (%s, %s, %s, team=%s)", target.Name, target.ID, target.Type, target.Zone, target.Tags["team"]); !strings.Contains(alert.Annotations["summary"], want) {
		t.Errorf("summary %q does not name the instance as %q", alert.Annotations["summary"], want)
	}

	// A failed sweep does not resolve the firing alert: the region reports
	// ecs_up 0 but re-serves its last complete result (--collector.max-staleness).
	failing := time.Now()
	s.sim.InjectFault(regionHealthy, simulator.Fault{Action: "DescribeInstanceStatus", Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable"})
	down := fmt.Sprintf(`ecs_up{region=%q} == 0`, regionHealthy)
	if err := s.waitForData(down, 0, 30*time.Second); err != nil {
		t.Fatalf("the region's sweeps never failed: %v", err)
	}
	firingNow := fmt.Sprintf(`ALERTS{alertname="EcsInstanceStopped", alertstate="firing", instance_id=%q}`, target.ID)
	// Watch for longer than an evaluation plus Alertmanager's group_interval.
	for watch := time.Now().Add(stackInterval + stackWait + 3*time.Second); time.Now().Before(watch); time.Sleep(200 * time.Millisecond) {
		if r, err := s.prom.query(firingNow, 0); err != nil || len(r) != 1 {
			t.Fatalf("while the region's sweeps failed, %s returned %v, %v: the alert stopped firing", firingNow, r, err)
		}
		if _, _, resolved := s.webhook.first(failing, "resolved", labels); resolved {
			t.Fatalf("a failed sweep resolved the alert; notifications received:\n%s", s.webhook)
		}
	}
	s.sim.ClearFaults()
	s.sim.InjectFault(regionThrottled, throttledFault)
	t.Logf("EcsInstanceStopped stayed firing through %.1fs of failed sweeps of %s", time.Since(failing).Seconds(), regionHealthy)

	started := time.Now()
	if !s.sim.SetStatus(regionHealthy, target.ID, simulator.StatusRunning) {
		t.Fatalf("the simulator has no instance %s", target.ID)
	}
	err = testenv.Eventually(time.Minute, 50*time.Millisecond, func() error {
		if _, _, ok := s.webhook.first(started, "resolved", labels); !ok {
			return fmt.Errorf("no resolved EcsInstanceStopped for %s yet", target.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v; notifications received:\n%s", err, s.webhook)
	}
	resolved, _, _ := s.webhook.first(started, "resolved", labels)
	t.Logf("EcsInstanceStopped for %s resolved at the webhook %.1fs after the instance started again",
		target.ID, resolved.Received.Sub(started).Seconds())
}

func (s *stack) testRecordingRules(t *testing.T) {
	const rel = "deploy/prometheus/recording-rules.yml"
	groups, _ := get(readYAML(t, rel), "groups")
	var records []string
	for _, g := range list(t, groups, rel+" groups") {
		rules, _ := get(mapping(t, g, "a group"), "rules")
		for _, r := range list(t, rules, "rules") {
			if name, ok := get(mapping(t, r, "a rule"), "record"); ok {
				records = append(records, fmt.Sprint(name))
			}
		}
	}
	if len(records) == 0 {
		t.Fatalf("%s records nothing", rel)
	}
	for _, record := range records {
		s.expectData(t, record, 0)
	}
	t.Logf("%d recording rules returned data", len(records))
	// The fleet's troubles show, so the health panels show more than zeros.
	s.expectData(t, fmt.Sprintf(`region:ecs_api_requests_throttled:ratio_rate5m{region=%q} > 0`, regionThrottled), 0)
	s.expectData(t, fmt.Sprintf(`ecs_scrape_errors_total{region=%q, code="InvalidRegionId.NotFound"} > 0`, regionUnknown), 0)
	s.expectData(t, fmt.Sprintf(`ecs:instance_status_since:timestamp_seconds{region=%q, status="Starting"}`, regionHealthy), 0)
}

// dashboardVars are the values the dashboard's variables take in the
// queries run here: All for the multi-value variables (the dashboard's
// allValue is .+), and Grafana's intervals as they come out at a 1s scrape
// interval.
var dashboardVars = strings.NewReplacer(
	"$__rate_interval", "10s",
	"$__interval", "2s",
	"$__range", "1m",
	"$job", ".+",
	"$instance", ".+",
	"$region", ".+",
	"$account", ".+",
	"$status", ".+",
)

type dashboardTarget struct {
	Expr    string `json:"expr"`
	Instant bool   `json:"instant"`
	Range   bool   `json:"range"`
}

type dashboardPanel struct {
	Title   string            `json:"title"`
	Type    string            `json:"type"`
	Targets []dashboardTarget `json:"targets"`
	Panels  []dashboardPanel  `json:"panels"`
}

var labelValuesQuery = regexp.MustCompile(`^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

func (s *stack) testDashboardQueries(t *testing.T) {
	raw, err := os.ReadFile(repoPath(t, "dashboards/aliyun-ecs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query string `json:"query"`
			} `json:"list"`
		} `json:"templating"`
		Panels []dashboardPanel `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	panels, queries := 0, 0
	var walk func([]dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			walk(p.Panels)
			if len(p.Targets) == 0 {
				continue
			}
			panels++
			for _, tg := range p.Targets {
				queries++
				expr := expand(t, tg.Expr)
				if tg.Instant {
					s.expectData(t, expr, 0)
				}
				if tg.Range || !tg.Instant {
					s.expectData(t, expr, 30*time.Second)
				}
			}
		}
	}
	walk(d.Panels)

	variables := 0
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		m := labelValuesQuery.FindStringSubmatch(v.Query)
		if m == nil {
			t.Errorf("variable %s: cannot run %q here (only label_values(selector, label))", v.Name, v.Query)
			continue
		}
		variables++
		selector, label := expand(t, m[1]), m[2]
		err := testenv.Eventually(time.Minute, 500*time.Millisecond, func() error {
			values, err := s.prom.labelValues(label, selector)
			if err == nil && len(values) == 0 {
				err = fmt.Errorf("no values")
			}
			return err
		})
		if err != nil {
			t.Errorf("variable %s: label_values(%s, %s): %v", v.Name, selector, label, err)
		}
	}
	if panels == 0 || queries == 0 || variables == 0 {
		t.Fatalf("found %d panels, %d queries and %d variables in the dashboard", panels, queries, variables)
	}
	t.Logf("all %d queries of the dashboard's %d panels, and its %d query variables, returned data from Prometheus", queries, panels, variables)
}

// expand fills in the dashboard's variables.
var unknownVariable = regexp.MustCompile(`\$(\{?[A-Za-z_][A-Za-z0-9_]*)`)

func expand(t *testing.T, expr string) string {
	t.Helper()
	out := dashboardVars.Replace(expr)
	// $1, $2, … are label_replace's capture groups, not Grafana variables.
	if v := unknownVariable.FindString(out); v != "" {
		t.Fatalf("%q: a variable this test does not know, %s, is left in %q", expr, v, out)
	}
	return out
}

// waitForData polls expr (an instant query, or a range query over rangeOf)
// until it returns a series with data, and returns the last error after
// timeout.
func (s *stack) waitForData(expr string, rangeOf, timeout time.Duration) error {
	return testenv.Eventually(timeout, 200*time.Millisecond, func() error {
		res, err := s.prom.query(expr, rangeOf)
		if err == nil && len(res) == 0 {
			err = fmt.Errorf("%s: no data", expr)
		}
		return err
	})
}

// expectData checks that expr returns a series with data within a minute:
// some need a few scrapes (rates, the throttled share) before they have any.
func (s *stack) expectData(t *testing.T, expr string, rangeOf time.Duration) {
	t.Helper()
	err := s.waitForData(expr, rangeOf, time.Minute)
	kind := "instant query"
	if rangeOf > 0 {
		kind = "range query"
	}
	if err != nil {
		t.Errorf("%s %s: %v", kind, expr, err)
	}
}
