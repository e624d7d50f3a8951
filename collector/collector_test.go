package collector

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeSource serves fixed fleets and errors per region and counts sweeps.
type fakeSource struct {
	fleets map[string][]aliyun.Instance
	errs   map[string]error
	zones  sync.Map // region -> zones it was asked for
	calls  atomic.Int64
	gate   chan struct{} // when not nil, every call waits for it to close
}

func (f *fakeSource) InstanceStatuses(ctx context.Context, region string, zones []string) ([]aliyun.Instance, error) {
	f.calls.Add(1)
	f.zones.Store(region, zones)
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}
		}
	}
	if err := f.errs[region]; err != nil {
		return nil, err
	}
	return f.fleets[region], nil
}

// statusOnly leaves out the durations and timestamps, which vary per run.
var statusOnly = []string{"ecs_instance_status", "ecs_up", "ecs_scrape_errors_total"}

func smallFleet() *fakeSource {
	return &fakeSource{
		fleets: map[string][]aliyun.Instance{
			"cn-hangzhou": {
				{ID: "i-a", Status: "Running"},
				{ID: "i-b", Status: "Stopped"},
			},
			"eu-central-1": {},
			"us-west-1":    {{ID: "i-c", Status: "Hibernated"}},
		},
		errs: map[string]error{
			"cn-shanghai": &aliyun.Error{Code: "InvalidRegionId.NotFound", HTTPStatus: 404, Err: errors.New("The specified RegionId does not exist.")},
		},
	}
}

// scrapeRegistry builds what one scrape exposes, as Handler does: the
// per-scrape collector first, then the long-lived counters it updates.
func scrapeRegistry(t *testing.T, e *Exporter, ctx context.Context) prometheus.Gatherer {
	t.Helper()
	perScrape, longLived := prometheus.NewPedanticRegistry(), prometheus.NewPedanticRegistry()
	perScrape.MustRegister(e.ScrapeCollector(ctx))
	longLived.MustRegister(e)
	return prometheus.Gatherers{perScrape, longLived}
}

func TestCollectorEmitsExactStateSetsAndRegionHealth(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou", "cn-shanghai", "eu-central-1", "us-west-1"}})
	defer e.Close()
	want := `
# HELP ecs_instance_status ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped).
# TYPE ecs_instance_status gauge
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Pending"} 0
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Running"} 1
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Starting"} 0
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Stopped"} 0
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Stopping"} 0
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Pending"} 0
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Running"} 0
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Starting"} 0
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Stopped"} 1
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Stopping"} 0
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Hibernated"} 1
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Pending"} 0
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Running"} 0
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Starting"} 0
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Stopped"} 0
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Stopping"} 0
# HELP ecs_scrape_errors_total Region sweeps that failed, by the error code that ended them: the Alibaba Cloud error Code, or timeout, network, decode, credentials.
# TYPE ecs_scrape_errors_total counter
ecs_scrape_errors_total{code="InvalidRegionId.NotFound",region="cn-shanghai"} 1
# HELP ecs_up 1 if the region's sweep for this scrape fetched every page, else 0.
# TYPE ecs_up gauge
ecs_up{region="cn-hangzhou"} 1
ecs_up{region="cn-shanghai"} 0
ecs_up{region="eu-central-1"} 1
ecs_up{region="us-west-1"} 1
`
	reg := scrapeRegistry(t, e, context.Background())
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), statusOnly...); err != nil {
		t.Fatal(err)
	}
}

func TestCollectorReportsDurationAndLastSuccessOnlyForRegionsThatSucceeded(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou", "cn-shanghai"}})
	defer e.Close()
	reg := scrapeRegistry(t, e, context.Background())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if m.GetTimestampMs() != 0 {
				t.Errorf("%s carries a sample timestamp", mf.GetName())
			}
			for _, l := range m.GetLabel() {
				if l.GetName() == "region" {
					got[mf.GetName()] = append(got[mf.GetName()], l.GetValue())
				}
			}
		}
	}
	if r := got["ecs_scrape_duration_seconds"]; len(r) != 2 {
		t.Errorf("ecs_scrape_duration_seconds regions = %v, want both", r)
	}
	if r := got["ecs_last_success_timestamp_seconds"]; len(r) != 1 || r[0] != "cn-hangzhou" {
		t.Errorf("ecs_last_success_timestamp_seconds regions = %v, want only cn-hangzhou", r)
	}
}

func TestCollectorLintsClean(t *testing.T) {
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou", "cn-shanghai", "us-west-1"}, CacheTTL: time.Minute})
	defer e.Close()
	for _, c := range []prometheus.Collector{e.ScrapeCollector(context.Background()), e, NewRequestMetrics()} {
		problems, err := testutil.CollectAndLint(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("lint: %s: %s", p.Metric, p.Text)
		}
	}
}

func TestOnlyCurrentEmitsOneSeriesPerInstance(t *testing.T) {
	e := New(smallFleet(), Options{Regions: []string{"cn-hangzhou", "us-west-1"}, OnlyCurrent: true})
	defer e.Close()
	want := `
# HELP ecs_instance_status ECS instance status as a state set: 1 for the instance's current status, 0 for the other known statuses (Pending, Starting, Running, Stopping, Stopped).
# TYPE ecs_instance_status gauge
ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Running"} 1
ecs_instance_status{instance_id="i-b",region="cn-hangzhou",status="Stopped"} 1
ecs_instance_status{instance_id="i-c",region="us-west-1",status="Hibernated"} 1
`
	if err := testutil.CollectAndCompare(e.ScrapeCollector(context.Background()), strings.NewReader(want), "ecs_instance_status"); err != nil {
		t.Fatal(err)
	}
}

func TestCacheTTLIsSaidInHelpAndServesTheSameSweep(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, CacheTTL: time.Hour})
	defer e.Close()
	for range 3 {
		if n := testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "ecs_instance_status"); n != 10 {
			t.Fatalf("got %d status series, want 10", n)
		}
	}
	if got := src.calls.Load(); got != 1 {
		t.Errorf("source called %d times for 3 scrapes within the TTL, want 1", got)
	}
	ch := make(chan *prometheus.Desc, 8)
	e.ScrapeCollector(context.Background()).Describe(ch)
	if d := (<-ch).String(); !strings.Contains(d, "cached sweep up to 1h0m0s") {
		t.Errorf("status HELP does not mention the cache: %s", d)
	}
}

func TestWithoutTTLEveryScrapeSweepsAgain(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	for range 3 {
		testutil.CollectAndCount(e.ScrapeCollector(context.Background()))
	}
	if got := src.calls.Load(); got != 3 {
		t.Errorf("source called %d times for 3 sequential scrapes, want 3", got)
	}
}

func TestConcurrentScrapesShareOneSweep(t *testing.T) {
	src := smallFleet()
	src.gate = make(chan struct{})
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	const scrapes = 20
	var wg sync.WaitGroup
	counts := make([]int, scrapes)
	for i := range scrapes {
		wg.Go(func() {
			counts[i] = testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "ecs_instance_status")
		})
	}
	// Let every scrape reach Sweep before the one sweep in flight finishes.
	waitJoiners(t, e, scrapes)
	close(src.gate)
	wg.Wait()
	if got := src.calls.Load(); got != 1 {
		t.Errorf("source called %d times for %d concurrent scrapes, want 1", got, scrapes)
	}
	for i, n := range counts {
		if n != 10 {
			t.Errorf("scrape %d saw %d status series, want 10", i, n)
		}
	}
}

// waitJoiners polls until n callers wait on the sweep in flight.
func waitJoiners(t *testing.T, e *Exporter, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if e.waiters.Load() >= int64(n) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("only %d of %d scrapes joined the sweep", e.waiters.Load(), n)
}

func TestScrapeThatOutlivesItsDeadlineReportsTimeoutWithoutCountingIt(t *testing.T) {
	src := smallFleet()
	src.gate = make(chan struct{})
	defer close(src.gate)
	e := New(src, Options{Regions: []string{"cn-hangzhou"}})
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res := e.Sweep(ctx)
	if len(res.Regions) != 1 || aliyun.ErrorCode(res.Regions[0].Err) != aliyun.CodeTimeout {
		t.Fatalf("got %+v, want cn-hangzhou failed with timeout", res.Regions)
	}
}

func TestZonesArePassedToTheSource(t *testing.T) {
	src := smallFleet()
	e := New(src, Options{Regions: []string{"cn-hangzhou"}, Zones: map[string][]string{"cn-hangzhou": {"cn-hangzhou-h"}}})
	defer e.Close()
	e.Sweep(context.Background())
	z, _ := src.zones.Load("cn-hangzhou")
	if got, ok := z.([]string); !ok || len(got) != 1 || got[0] != "cn-hangzhou-h" {
		t.Errorf("source got zones %v, want [cn-hangzhou-h]", z)
	}
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
			if got := ScrapeTimeout(h, 30*time.Second, 500*time.Millisecond); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// flakySource succeeds until fail is set, then fails every region.
type flakySource struct {
	fleet []aliyun.Instance
	fail  atomic.Bool
}

func (f *flakySource) InstanceStatuses(context.Context, string, []string) ([]aliyun.Instance, error) {
	if f.fail.Load() {
		return nil, &aliyun.Error{Code: "Throttling.User", HTTPStatus: 400, Err: errors.New("throttled")}
	}
	return f.fleet, nil
}

func TestFailedRegionServesItsLastCompleteResultWithinMaxStaleness(t *testing.T) {
	for _, tc := range []struct {
		name         string
		maxStaleness time.Duration
		wantStatus   int
	}{
		{"within the limit the old fleet is served", time.Hour, 5},
		{"past the limit nothing is served", time.Nanosecond, 0},
		{"zero never serves stale data", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &flakySource{fleet: []aliyun.Instance{{ID: "i-a", Status: "Stopped"}}}
			e := New(src, Options{Regions: []string{"cn-hangzhou"}, MaxStaleness: tc.maxStaleness})
			defer e.Close()
			first := e.Sweep(context.Background())
			src.fail.Store(true)
			reg := scrapeRegistry(t, e, context.Background())
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			var up, last float64 = -1, -1
			for _, mf := range mfs {
				got[mf.GetName()] = len(mf.GetMetric())
				switch mf.GetName() {
				case "ecs_up":
					up = mf.GetMetric()[0].GetGauge().GetValue()
				case "ecs_last_success_timestamp_seconds":
					last = mf.GetMetric()[0].GetGauge().GetValue()
				}
			}
			if got["ecs_instance_status"] != tc.wantStatus {
				t.Errorf("%d status series, want %d", got["ecs_instance_status"], tc.wantStatus)
			}
			if up != 0 {
				t.Errorf("ecs_up = %g, want 0 while the sweep fails", up)
			}
			if want := float64(first.Finished.UnixNano()) / 1e9; last != want {
				t.Errorf("ecs_last_success_timestamp_seconds = %f, want the first sweep's %f", last, want)
			}
		})
	}
}
