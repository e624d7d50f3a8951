package testenv

import (
	"maps"
	"testing"
)

const exposition = `# TYPE ecs_up gauge
ecs_up{region="cn-hangzhou",account="a"} 1
ecs_up{region="us-west-1",account="a"} 0
# TYPE ecs_scrape_errors_total counter
ecs_scrape_errors_total{region="us-west-1",code="timeout"} 3
# TYPE ecs_other untyped
ecs_other 7
`

func TestSeriesKeysEachSampleByTheJoinedValuesOfItsLabels(t *testing.T) {
	mfs := Parse(t, []byte(exposition))
	for _, tc := range []struct {
		name string
		keys []string
		want map[string]float64
	}{
		{"ecs_up", []string{"region"}, map[string]float64{"cn-hangzhou": 1, "us-west-1": 0}},
		{"ecs_up", []string{"account", "region"}, map[string]float64{"a cn-hangzhou": 1, "a us-west-1": 0}},
		{"ecs_scrape_errors_total", []string{"region", "code"}, map[string]float64{"us-west-1 timeout": 3}},
		{"ecs_other", nil, map[string]float64{"": 7}},
		{"ecs_missing", []string{"region"}, map[string]float64{}},
	} {
		if got := Series(mfs, tc.name, tc.keys...); !maps.Equal(got, tc.want) {
			t.Errorf("Series(%s, %v) = %v, want %v", tc.name, tc.keys, got, tc.want)
		}
	}
}

func TestParseTextRejectsWhatIsNotExposition(t *testing.T) {
	if _, err := ParseText([]byte("ecs_up{region=\"x\" 1\n")); err == nil {
		t.Error("a sample with an unclosed label set parsed")
	}
}

func TestLabelsFlattensASample(t *testing.T) {
	m := Parse(t, []byte(exposition))["ecs_up"].GetMetric()[0]
	want := map[string]string{"region": "cn-hangzhou", "account": "a"}
	if got := Labels(m); !maps.Equal(got, want) {
		t.Errorf("Labels = %v, want %v", got, want)
	}
}
