package collector

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/prometheus/client_golang/prometheus"
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

// scrapeRegistry builds what one scrape exposes, as the /metrics handler
// does: the per-scrape collector first, then the long-lived counters it
// updates.
func scrapeRegistry(t *testing.T, e *Exporter, ctx context.Context) prometheus.Gatherer {
	t.Helper()
	perScrape, longLived := prometheus.NewPedanticRegistry(), prometheus.NewPedanticRegistry()
	perScrape.MustRegister(e.ScrapeCollector(ctx))
	longLived.MustRegister(e)
	return prometheus.Gatherers{perScrape, longLived}
}

// waitJoiners polls until n callers wait on the sweep in flight.
func waitJoiners(t *testing.T, e *Exporter, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if e.cache.waiters.Load() >= int64(n) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("only %d of %d scrapes joined the sweep", e.cache.waiters.Load(), n)
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
