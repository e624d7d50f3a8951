package collector

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv/fakesource"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// awkwardFleet has IDs and statuses that need escaping in the text format.
func awkwardFleet() *fakeSource {
	return &fakeSource{Fleets: fakesource.Fleets{Instances: map[string][]aliyun.Instance{
		"cn-hangzhou": {
			{ID: "i-a", Status: "Running"},
			{ID: `i-"quoted"`, Status: "Stopped"},
			{ID: `i-back\slash`, Status: "Starting"},
			{ID: "i-new\nline", Status: "Pending"},
			{ID: "i-ünïcödé", Status: "Stopping"},
			{ID: "i-odd", Status: `Odd "status"`},
		},
		"eu-central-1": {{ID: "i-b", Status: "Stopped"}},
	}}}
}

// writtenFamilies sweeps once and parses what WriteInstanceFamilies writes
// of the result: the fast path of the /metrics handler.
func writtenFamilies(t *testing.T, e *Exporter) map[string]*dto.MetricFamily {
	t.Helper()
	return writtenResult(t, e, e.Sweep(context.Background()))
}

func TestWrittenStatusSeriesAreTheCollectedOnes(t *testing.T) {
	for _, onlyCurrent := range []bool{false, true} {
		t.Run(fmt.Sprintf("only-current=%v", onlyCurrent), func(t *testing.T) {
			opts := Options{Regions: []string{"cn-hangzhou", "eu-central-1"}, OnlyCurrent: onlyCurrent, CacheTTL: 1e12}
			e := New(awkwardFleet(), opts)
			defer e.Close()
			got := writtenFamilies(t, e)["ecs_instance_status"]
			if got == nil {
				t.Fatal("no ecs_instance_status in the written output")
			}
			want := collectorFamily(t, e, "ecs_instance_status")
			sameFamily(t, "ecs_instance_status", got, want)
			if n := len(want.GetMetric()); n != map[bool]int{false: 7*5 + 1, true: 7}[onlyCurrent] {
				t.Errorf("%d series", n)
			}
		})
	}
}

// collectorFamily gathers one family through ScrapeCollector, the
// client_golang path.
func collectorFamily(t *testing.T, e *Exporter, name string) *dto.MetricFamily {
	t.Helper()
	return gathered(t, e.ScrapeCollector(context.Background()))[name]
}

// writtenResult parses what WriteInstanceFamilies writes of res.
func writtenResult(t *testing.T, e *Exporter, res *Result) map[string]*dto.MetricFamily {
	t.Helper()
	var b bytes.Buffer
	if err := e.WriteInstanceFamilies(bufio.NewWriter(&b), res); err != nil {
		t.Fatal(err)
	}
	return testenv.Parse(t, b.Bytes())
}

// gathered is what c collects, by family name.
func gathered(t *testing.T, c prometheus.Collector) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// sameFamily checks that got, a written family, has the HELP, TYPE and
// series of want, the one collected through client_golang.
func sameFamily(t *testing.T, name string, got, want *dto.MetricFamily) {
	t.Helper()
	if got.GetHelp() != want.GetHelp() || got.GetType() != want.GetType() {
		t.Errorf("%s: HELP/TYPE %q %v, want %q %v", name, got.GetHelp(), got.GetType(), want.GetHelp(), want.GetType())
	}
	if g, w := seriesLines(got), seriesLines(want); !slices.Equal(g, w) {
		t.Errorf("%s written:\n%s\ncollected:\n%s", name, strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
}

// seriesLines is a family's samples as sorted "labels value" lines.
func seriesLines(mf *dto.MetricFamily) []string {
	var out []string
	for _, m := range mf.GetMetric() {
		var ls []string
		for _, l := range m.GetLabel() {
			ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
		}
		slices.Sort(ls)
		out = append(out, fmt.Sprintf("%s %g", strings.Join(ls, ","), m.GetGauge().GetValue()))
	}
	slices.Sort(out)
	return out
}

func bigResult(n int) *Result {
	insts := make([]aliyun.Instance, n)
	for i := range insts {
		insts[i] = aliyun.Instance{ID: fmt.Sprintf("i-bp1%017d", i), Status: KnownStatuses[i%len(KnownStatuses)]}
	}
	return &Result{Regions: []RegionResult{{Region: "cn-hangzhou", Instances: insts}}}
}

// BenchmarkWriteStatusPer1000 is the /metrics handler's path
// (WriteInstanceFamilies): 1,000 instances as 5,000 state-set lines.
func BenchmarkWriteStatusPer1000(b *testing.B) {
	e := New(&fakeSource{}, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	res := bigResult(1000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		if err := e.WriteInstanceFamilies(w, res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectPer1000 is client_golang's path for the same series:
// Collect, Gather and text encoding, as promhttp would do it.
func BenchmarkCollectPer1000(b *testing.B) {
	e := New(&fakeSource{}, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	res := bigResult(1000)
	reg := prometheus.NewRegistry()
	reg.MustRegister(&scrape{e: e, res: res, instances: true})
	b.ReportAllocs()
	for b.Loop() {
		mfs, err := reg.Gather()
		if err != nil {
			b.Fatal(err)
		}
		for _, mf := range mfs {
			if _, err := expfmt.MetricFamilyToText(io.Discard, mf); err != nil {
				b.Fatal(err)
			}
		}
	}
}
