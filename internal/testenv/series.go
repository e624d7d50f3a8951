package testenv

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Parse decodes text exposition, failing the test if it does not parse.
func Parse(tb testing.TB, body []byte) map[string]*dto.MetricFamily {
	tb.Helper()
	mfs, err := ParseText(body)
	if err != nil {
		tb.Fatalf("%v\n%s", err, body)
	}
	return mfs
}

// ParseText decodes text exposition; unlike Parse it is safe in a goroutine
// other than the test's.
func ParseText(body []byte) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing the scrape: %w", err)
	}
	return mfs, nil
}

// Labels flattens a sample's labels.
func Labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// Value is a sample's gauge, counter or untyped value.
func Value(m *dto.Metric) float64 {
	switch {
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	default:
		return m.GetUntyped().GetValue()
	}
}

// Series returns the values of the family name by the space-joined values
// of keys, e.g. Series(mfs, "ecs_up", "region")["cn-hangzhou"]. A missing
// family gives an empty map.
func Series(mfs map[string]*dto.MetricFamily, name string, keys ...string) map[string]float64 {
	out := map[string]float64{}
	for _, m := range mfs[name].GetMetric() {
		l := Labels(m)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = l[k]
		}
		out[strings.Join(parts, " ")] = Value(m)
	}
	return out
}
