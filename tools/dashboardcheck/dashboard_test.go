package dashboardcheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/tools/promrule"
)

const (
	root          = "../.."
	dashboardPath = root + "/dashboards/aliyun-ecs.json"
)

func readDashboard(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// panel is the part of a panel these tests read.
type panel struct {
	ID          int        `json:"id"`
	Type        string     `json:"type"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Repeat      string     `json:"repeat"`
	Datasource  datasource `json:"datasource"`
	Targets     []struct {
		Expr       string     `json:"expr"`
		Format     string     `json:"format"`
		Datasource datasource `json:"datasource"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

type datasource struct {
	Type string `json:"type"`
}

type dashboardDoc struct {
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

func parseDoc(t *testing.T, raw []byte) dashboardDoc {
	t.Helper()
	var d dashboardDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// lint runs tools/dashboard-linter, the strict rules of the pinned
// grafana/dashboard-linter: the binary in $DASHBOARD_LINTER, which `make
// test` builds once into a cache directory, else `go run .` there (which
// downloads and builds it, and its dependencies, into the Go caches).
func lint(t *testing.T, path string) (string, error) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".", abs)
	cmd.Dir = filepath.Join(root, "tools", "dashboard-linter")
	if bin := os.Getenv("DASHBOARD_LINTER"); bin != "" {
		cmd = exec.Command(bin, abs)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestDashboardPassesDashboardLinterStrict(t *testing.T) {
	out, err := lint(t, dashboardPath)
	if err != nil {
		t.Fatalf("dashboard-linter lint --strict: %v\n%s", err, out)
	}
	if strings.Contains(out, "❌") || strings.Contains(out, "⚠") {
		t.Errorf("dashboard-linter reported problems:\n%s", out)
	}
	// The report lists every rule it ran; a linter that ran none would pass.
	for _, rule := range []string{"has a job matcher", "uses a valid PromQL query", "has a templated datasource"} {
		if !strings.Contains(out, rule) {
			t.Errorf("dashboard-linter did not report the rule that checks a query or dashboard %s:\n%s", rule, out)
		}
	}
	t.Logf("dashboard-linter --strict: %d rules passed", strings.Count(out, "Checks that "))
}

// --strict must turn a finding into a failure (plain `lint` exits 0 even on
// errors), so a dashboard with one broken query must fail.
func TestDashboardLinterStrictFailsOnAFinding(t *testing.T) {
	raw := readDashboard(t)
	bad := bytes.Replace(raw, []byte(`rate(ecs_api_requests_total{job=~\"$job\", `), []byte(`rate(ecs_api_requests_total{`), 1)
	if bytes.Equal(bad, raw) {
		t.Fatal("the API request rate query no longer has the job matcher this test removes")
	}
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := lint(t, path)
	if err == nil {
		t.Fatalf("dashboard-linter lint --strict passed a query without a job matcher:\n%s", out)
	}
	if !strings.Contains(out, "job selector not found") {
		t.Errorf("dashboard-linter failed for another reason than the missing job matcher:\n%s", out)
	}
}

// The dashboard has what issue #3 asks of it.
func TestDashboardHasTheVariablesAndPanelsItPromises(t *testing.T) {
	d := parseDoc(t, readDashboard(t))
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	for name, typ := range map[string]string{"datasource": "datasource", "region": "query", "account": "query", "status": "query"} {
		if vars[name] != typ {
			t.Errorf("variable %s: type %q, want %q", name, vars[name], typ)
		}
	}
	find := func(typ, title string) *panel {
		for i := range d.Panels {
			if d.Panels[i].Type == typ && d.Panels[i].Title == title {
				return &d.Panels[i]
			}
		}
		t.Errorf("no %s panel %q", typ, title)
		return nil
	}
	for _, title := range []string{"Instances", "Running", "Stopped"} {
		find("stat", title)
	}
	if p := find("timeseries", "Instances by status in $region"); p != nil && p.Repeat != "region" {
		t.Errorf("status counts over time are not repeated per region (repeat %q)", p.Repeat)
	}
	if p := find("table", "Instances not Running"); p != nil {
		if len(p.Targets) != 1 || p.Targets[0].Format != "table" || !strings.Contains(p.Targets[0].Expr, "ecs:instance_status_since:timestamp_seconds") || p.FieldConfig.Defaults.Unit != "s" {
			t.Errorf("the not-Running table does not show time in status in seconds: %+v", p)
		}
	}
	// The exporter's health (issue #3), and the instances' health and
	// lifecycle (issue #11).
	find("row", "Health and lifecycle")
	queries := map[string]string{
		"Region sweeps (ecs_up)":           "ecs_up{",
		"Failed sweeps by code":            "ecs_scrape_errors_total{",
		"API requests by code":             "ecs_api_requests_total{",
		"Throttled share of API requests":  "region:ecs_api_requests_throttled:ratio_rate5m{",
		"Sweep duration":                   "ecs_scrape_duration_seconds{",
		"Instances by health status":       "region_health:ecs_instance_health_status:sum{",
		"Instances whose health is not Ok": "ecs_instance_health_status{",
		"Locked instances":                 "ecs_instance_operation_lock{",
		"Upcoming system events":           "ecs_instance_event_not_before_timestamp_seconds{",
		"Unplanned restarts":               "ecs_instance_event_finish_timestamp_seconds{",
		"Subscription expiry":              "ecs_instance_expire_timestamp_seconds{",
		"Collectors (ecs_collector_up)":    "ecs_collector_up{",
		"Time since last collection":       "ecs_collector_last_success_timestamp_seconds{",
	}
	for title, metric := range queries {
		found := false
		for _, p := range d.Panels {
			if p.Title == title {
				for _, tg := range p.Targets {
					found = found || strings.Contains(tg.Expr, metric)
				}
			}
		}
		if !found {
			t.Errorf("no panel %q querying %s", title, metric)
		}
	}
	// ecs_api_requests_total counts per account (issue #13): the API panels
	// can be narrowed to one.
	for _, title := range []string{"API requests by code", "Throttled share of API requests"} {
		if p := find("timeseries", title); p != nil && (len(p.Targets) != 1 || !strings.Contains(p.Targets[0].Expr, `account=~"$account"`)) {
			t.Errorf("panel %q does not filter by the account variable: %+v", title, p.Targets)
		}
	}
}

var recordedName = regexp.MustCompile(`[a-z_]+:[a-z_]+:[a-z0-9_]+`)

// Every recorded series the dashboard reads is recorded by the shipped rules.
func TestDashboardReadsOnlyShippedRecordingRules(t *testing.T) {
	spec, err := promrule.LoadRuleFile(root + "/deploy/prometheus/recording-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, g := range spec.Groups {
		for _, r := range g.Rules {
			recorded[r.Record] = true
		}
	}
	raw := readDashboard(t)
	used := recordedName.FindAllString(string(raw), -1)
	if len(used) == 0 {
		t.Fatal("the dashboard reads no recorded series")
	}
	for _, name := range used {
		if !recorded[name] {
			t.Errorf("the dashboard reads %s, which deploy/prometheus/recording-rules.yml does not record", name)
		}
	}
}
