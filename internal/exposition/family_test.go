package exposition_test

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/exposition"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// awkward label values: everything the text format escapes, and more.
var awkward = []string{"plain", `say "hi"`, `back\slash`, "new\nline", "ünïcödé 主库", "", `\"` + "\n"}

func ptr[T any](v T) *T { return &v }

// clientGolang is what client_golang's encoder writes for one family.
func clientGolang(t *testing.T, name, help string, labels []string, series [][]string, values []float64) string {
	t.Helper()
	mf := &dto.MetricFamily{Name: ptr(name), Help: ptr(help), Type: dto.MetricType_GAUGE.Enum()}
	for i, vs := range series {
		m := &dto.Metric{Gauge: &dto.Gauge{Value: ptr(values[i])}}
		for j, l := range labels {
			m.Label = append(m.Label, &dto.LabelPair{Name: ptr(l), Value: ptr(vs[j])})
		}
		mf.Metric = append(mf.Metric, m)
	}
	var b bytes.Buffer
	if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestFamilyWritesWhatClientGolangWrites(t *testing.T) {
	for _, tc := range []struct {
		name   string
		help   string
		labels []string
		series [][]string
		values []float64
	}{
		{"no labels", "A gauge.", nil, [][]string{{}}, []float64{42}},
		{"one label", "Up or not.", []string{"region"}, [][]string{{"cn-hangzhou"}, {"eu-central-1"}}, []float64{1, 0}},
		{"escaped label values", "Awkward.", []string{"a", "b"},
			[][]string{{awkward[0], awkward[1]}, {awkward[2], awkward[3]}, {awkward[4], awkward[5]}, {awkward[6], awkward[0]}},
			[]float64{1, 0, -1, 0.25}},
		{"escaped help", "Back\\slash and\nnew line, \"quotes\" kept.", []string{"x"}, [][]string{{"y"}}, []float64{1}},
		{"special values", "Specials.", []string{"v"}, [][]string{{"nan"}, {"inf"}, {"-inf"}, {"big"}, {"tiny"}},
			[]float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e21, 1.5e-9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w := bufio.NewWriter(&b)
			f := exposition.NewFamily("ecs_test", tc.labels...)
			f.WriteHeader(w, tc.help, "gauge")
			for i, vs := range tc.series {
				f.WriteSeries(w, tc.values[i], vs...)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if want := clientGolang(t, "ecs_test", tc.help, tc.labels, tc.series, tc.values); b.String() != want {
				t.Errorf("got:\n%s\nwant (client_golang):\n%s", b.String(), want)
			}
		})
	}
}

func TestWriteSeriesRefusesTheWrongNumberOfValues(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for 1 value of 2 labels")
		}
	}()
	f := exposition.NewFamily("ecs_test", "a", "b")
	f.WriteSeries(bufio.NewWriter(io.Discard), 1, "only-a")
}

func TestAppendLabelValueEscapesOnlyWhatTheFormatEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		`a"b`:            `a\"b`,
		`a\b`:            `a\\b`,
		"a\nb":           `a\nb`,
		"tab\tand\rcr":   "tab\tand\rcr",
		"主库":             "主库",
		`\` + "\n" + `"`: `\\\n\"`,
	} {
		if got := string(exposition.AppendLabelValue([]byte("x="), in)); got != "x="+want {
			t.Errorf("AppendLabelValue(%q) = %q, want %q", in, got, "x="+want)
		}
	}
}

func TestEscapeHelpKeepsQuotes(t *testing.T) {
	if got, want := exposition.EscapeHelp("a \"b\" c\\d\ne"), `a "b" c\\d\ne`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteSeriesDoesNotAllocatePerSeries(t *testing.T) {
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	f := exposition.NewFamily("ecs_instance_status", "instance_id", "region", "status")
	f.WriteSeries(w, 1, "i-warm", "cn-hangzhou", "Running") // grows the line buffer once
	id, region := `i-"needs"\escaping`, "cn-hangzhou"
	if n := testing.AllocsPerRun(100, func() {
		f.WriteSeries(w, 0, id, region, "Stopped")
		f.WriteSeries(w, 1, id, region, "Running")
	}); n != 0 {
		t.Errorf("%v allocations per two series, want 0", n)
	}
}

// BenchmarkWriteSeries writes one state-set line.
func BenchmarkWriteSeries(b *testing.B) {
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	f := exposition.NewFamily("ecs_instance_status", "instance_id", "region", "status")
	b.ReportAllocs()
	for b.Loop() {
		f.WriteSeries(w, 1, "i-bp1234567890abcdefg", "cn-hangzhou", "Running")
	}
}
