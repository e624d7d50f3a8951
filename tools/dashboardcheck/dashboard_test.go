package dashboardcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/tools/promrule"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

const (
	root          = "../.."
	dashboardPath = root + "/dashboards/aliyun-ecs.json"
)

// The Foundation SDK decodes a panel's options strictly only for a panel
// type registered with its runtime, and a query only for a registered
// datasource type; for any other it falls back to a lenient json.Unmarshal.
// cog/plugins.RegisterDefaultPlugins would register all 40 of them, and
// compile them: about 45 s of CPU on a cold build cache, for panels this
// dashboard does not have. So these are the ones it uses, and
// TestEveryPanelAndQueryTypeIsRegistered fails when it uses another.
var (
	panelTypes = []variants.PanelcfgConfig{
		stat.VariantConfig(), statetimeline.VariantConfig(), table.VariantConfig(), timeseries.VariantConfig(),
	}
	queryTypes = []variants.DataqueryConfig{prometheus.VariantConfig()}
)

func init() {
	runtime := cog.NewRuntime()
	for _, v := range panelTypes {
		runtime.RegisterPanelcfgVariant(v)
	}
	for _, v := range queryTypes {
		runtime.RegisterDataqueryVariant(v)
	}
}

func TestEveryPanelAndQueryTypeIsRegistered(t *testing.T) {
	var d struct {
		Panels []struct {
			Type       string `json:"type"`
			Datasource struct {
				Type string `json:"type"`
			} `json:"datasource"`
			Targets []struct {
				Datasource struct {
					Type string `json:"type"`
				} `json:"datasource"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(readDashboard(t), &d); err != nil {
		t.Fatal(err)
	}
	for i, p := range d.Panels {
		if _, ok := cog.ConfigForPanelcfgVariant(p.Type); !ok && p.Type != "row" {
			t.Errorf("panels[%d] is a %q panel, whose options decode strictly only when its VariantConfig is in panelTypes", i, p.Type)
		}
		if p.Type == "row" {
			continue
		}
		types := []string{p.Datasource.Type}
		for _, q := range p.Targets {
			types = append(types, q.Datasource.Type)
		}
		for _, typ := range types {
			if !slices.ContainsFunc(queryTypes, func(v variants.DataqueryConfig) bool { return v.Identifier == typ }) {
				t.Errorf("panels[%d] queries a %q datasource, whose queries decode strictly only when its VariantConfig is in queryTypes", i, typ)
			}
		}
	}
}

// strictErr turns what a Foundation SDK UnmarshalJSONStrict returned into a
// plain error: on success they return a non-nil error holding an empty
// cog.BuildErrors, so the list is what counts.
func strictErr(err error) error {
	var buildErrs cog.BuildErrors
	if err == nil || (errors.As(err, &buildErrs) && len(buildErrs) == 0) {
		return nil
	}
	return err
}

// decodeStrict checks a whole dashboard with the SDK's strict decoder.
// Because of the empty-list error above, the SDK drops the panels and
// queries it decoded from the result (PanelOrRowPanel and the dataquery
// runtime return early on any non-nil error), though it does report their
// errors; countStrict decodes them one by one instead.
func decodeStrict(raw []byte) error {
	//lint:ignore SA1019 aliyun-ecs.json is a classic (schemaVersion 39) dashboard, which dashboardv2 does not decode
	var d dashboard.Dashboard
	return strictErr(d.UnmarshalJSONStrict(raw))
}

// countStrict decodes every panel strictly into dashboard.Panel (or
// RowPanel) and every query into prometheus.Dataquery, and counts the
// panels and the queries that carry an expression.
func countStrict(raw []byte) (panels, queries int, err error) {
	var doc struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return 0, 0, err
	}
	for i, rawPanel := range doc.Panels {
		var head struct {
			Type    string            `json:"type"`
			Targets []json.RawMessage `json:"targets"`
		}
		if err := json.Unmarshal(rawPanel, &head); err != nil {
			return 0, 0, err
		}
		if head.Type == "row" {
			var row dashboard.RowPanel
			if err := strictErr(row.UnmarshalJSONStrict(rawPanel)); err != nil {
				return 0, 0, fmt.Errorf("panels[%d]: %w", i, err)
			}
			continue
		}
		var p dashboard.Panel
		if err := strictErr(p.UnmarshalJSONStrict(rawPanel)); err != nil {
			return 0, 0, fmt.Errorf("panels[%d]: %w", i, err)
		}
		if p.Title == nil || *p.Title == "" {
			return 0, 0, fmt.Errorf("panels[%d]: no title", i)
		}
		panels++
		for j, rawTarget := range head.Targets {
			var q prometheus.Dataquery
			if err := strictErr(q.UnmarshalJSONStrict(rawTarget)); err != nil {
				return 0, 0, fmt.Errorf("panels[%d].targets[%d]: %w", i, j, err)
			}
			if q.Expr == "" {
				return 0, 0, fmt.Errorf("panels[%d].targets[%d]: no expr", i, j)
			}
			queries++
		}
	}
	return panels, queries, nil
}

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
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Repeat      string `json:"repeat"`
	Targets     []struct {
		Expr   string `json:"expr"`
		Format string `json:"format"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
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

func TestDashboardDecodesStrictlyWithTheFoundationSDK(t *testing.T) {
	raw := readDashboard(t)
	if err := decodeStrict(raw); err != nil {
		t.Fatalf("strict decoding:\n%v", err)
	}
	panels, queries, err := countStrict(raw)
	if err != nil {
		t.Fatalf("strict decoding, panel by panel:\n%v", err)
	}
	if panels == 0 || queries == 0 {
		t.Fatalf("decoded %d panels and %d queries", panels, queries)
	}
	t.Logf("%s: %d panels (rows aside) and %d Prometheus queries decode strictly", dashboardPath, panels, queries)
}

// The strict decoder must reject what Grafana's schema does not have, in the
// places this dashboard uses: else its passing would prove nothing.
func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	raw := readDashboard(t)
	if err := decodeStrict(raw); err != nil {
		t.Fatalf("the shipped dashboard does not decode strictly, so this test proves nothing:\n%v", err)
	}
	for name, mutate := range map[string]func(map[string]any){
		"dashboard field": func(d map[string]any) { d["refreshh"] = "1m" },
		"panel field":     func(d map[string]any) { firstPanel(d, "table")["descripton"] = "typo" },
		"panel option":    func(d map[string]any) { options(firstPanel(d, "stat"))["colourMode"] = "value" },
		"query field":     func(d map[string]any) { firstTarget(d)["exp"] = "up" },
		"variable field":  func(d map[string]any) { variables(d)[1].(map[string]any)["allvalue"] = ".*" },
	} {
		t.Run(name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatal(err)
			}
			mutate(d)
			bad, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			err = decodeStrict(bad)
			if err == nil {
				t.Fatalf("the strict decoder accepted a dashboard with an unknown %s", name)
			}
			if !strings.Contains(err.Error(), "unexpected field") {
				t.Errorf("rejected for another reason than the unknown %s: %v", name, err)
			}
		})
	}
}

func firstPanel(d map[string]any, typ string) map[string]any {
	for _, p := range d["panels"].([]any) {
		if m := p.(map[string]any); m["type"] == typ {
			return m
		}
	}
	panic("no " + typ + " panel")
}

func options(p map[string]any) map[string]any { return p["options"].(map[string]any) }

func firstTarget(d map[string]any) map[string]any {
	return firstPanel(d, "timeseries")["targets"].([]any)[0].(map[string]any)
}

func variables(d map[string]any) []any {
	return d["templating"].(map[string]any)["list"].([]any)
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
