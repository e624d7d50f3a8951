package handler_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// longLived gathers e's own counters, as the exporter's registry does.
func longLived(e *collector.Exporter) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		reg := prometheus.NewRegistry()
		reg.MustRegister(e)
		return reg.Gather()
	})
}

func TestMetricsServesHealthAndLongLivedMetricsToo(t *testing.T) {
	e := collector.New(smallFleet(), collector.Options{Regions: []string{"cn-hangzhou", "cn-shanghai"}})
	defer e.Close()
	resp, body := get(t, handler.Metrics(e, handler.Options{Timeout: 10e9, Gatherer: longLived(e)}), "/metrics")
	for _, want := range []string{
		`ecs_up{region="cn-hangzhou"} 1`,
		`ecs_up{region="cn-shanghai"} 0`,
		`ecs_scrape_errors_total{code="InvalidRegionId.NotFound",region="cn-shanghai"} 1`,
		`ecs_scrape_duration_seconds{region="cn-hangzhou"}`,
		`ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Running"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestMetricsServesWhatTheScrapeCollectorCollects(t *testing.T) {
	// One cached sweep serves both paths, durations included. Only complete
	// regions are cached, so both regions succeed.
	regions := []string{"cn-hangzhou", "eu-central-1"}
	e := collector.New(smallFleet(), collector.Options{Regions: regions, CacheTTL: time.Hour})
	defer e.Close()
	_, body := get(t, handler.Metrics(e, handler.Options{Timeout: 10e9, Gatherer: longLived(e)}), "/metrics")
	got := testenv.Parse(t, []byte(body))
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background()), e)
	want, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%d families served, %d collected", len(got), len(want))
	}
	for _, w := range want {
		g := got[w.GetName()]
		if g == nil {
			t.Errorf("%s not served", w.GetName())
			continue
		}
		if gl, wl := familyText(t, g), familyText(t, w); gl != wl {
			t.Errorf("served:\n%s\ncollected:\n%s", gl, wl)
		}
	}
}

// familyText is a family in the text format with its series sorted.
func familyText(t *testing.T, mf *dto.MetricFamily) string {
	t.Helper()
	var b strings.Builder
	if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestScrapeTimeout(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
		want   time.Duration
	}{
		{"no header uses the fallback", "", 30 * time.Second},
		{"header less offset", "10", 9500 * time.Millisecond},
		{"fractional header", "2.5", 2 * time.Second},
		{"header not above offset is used whole", "0.4", 400 * time.Millisecond},
		{"garbage uses the fallback", "soon", 30 * time.Second},
		{"negative uses the fallback", "-3", 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
			}
			if got := handler.ScrapeTimeout(h, 30*time.Second, 500*time.Millisecond); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
