package dashboardcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
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
	for i, p := range parseDoc(t, readDashboard(t)).Panels {
		if p.Type == "row" {
			continue
		}
		if _, ok := cog.ConfigForPanelcfgVariant(p.Type); !ok {
			t.Errorf("panels[%d] is a %q panel, whose options decode strictly only when its VariantConfig is in panelTypes", i, p.Type)
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
