package collector

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv/fakesource"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeSource serves fixed fleets and errors per region and counts sweeps.
type fakeSource struct {
	fakesource.Fleets
	zones sync.Map // region -> zones it was asked for
	calls atomic.Int64
	gate  chan struct{} // when not nil, every call waits for it to close
}

func (f *fakeSource) InstanceStatuses(ctx context.Context, region string, zones []string) ([]aliyun.Instance, error) {
	f.calls.Add(1)
	f.zones.Store(region, zones)
	if err := passGate(ctx, f.gate); err != nil {
		return nil, err
	}
	return f.Fleets.InstanceStatuses(ctx, region, zones)
}

// passGate waits until gate (if any) opens, or fails as a timeout when ctx
// ends first, as a fake's call held at its gate does.
func passGate(ctx context.Context, gate chan struct{}) error {
	if gate == nil {
		return nil
	}
	select {
	case <-gate:
		return nil
	case <-ctx.Done():
		return &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}
	}
}

// smallFleetStateSet is the ecs_instance_status series of smallFleet's
// instances, without HELP and TYPE (whose HELP varies with the options).
const smallFleetStateSet = `ecs_instance_status{instance_id="i-a",region="cn-hangzhou",status="Pending"} 0
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
`

// statusOnly leaves out the durations and timestamps, which vary per run.
var statusOnly = []string{"ecs_instance_status", "ecs_up", "ecs_scrape_errors_total"}

func smallFleet() *fakeSource {
	return &fakeSource{Fleets: fakesource.Fleets{
		Instances: map[string][]aliyun.Instance{
			"cn-hangzhou": {
				{ID: "i-a", Status: "Running"},
				{ID: "i-b", Status: "Stopped"},
			},
			"eu-central-1": {},
			"us-west-1":    {{ID: "i-c", Status: "Hibernated"}},
		},
		Errs: map[string]error{
			"cn-shanghai": &aliyun.Error{Code: "InvalidRegionId.NotFound", HTTPStatus: 404, Err: errors.New("The specified RegionId does not exist.")},
		},
	}}
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

// fakeHealth serves fixed instance health per region, or err while set.
type fakeHealth struct {
	health map[string][]aliyun.InstanceHealth
	calls  atomic.Int64
	mu     sync.Mutex
	err    error
	block  bool // every call waits for its ctx to end
}

func (f *fakeHealth) InstanceHealth(ctx context.Context, region string, _ []string) ([]aliyun.InstanceHealth, error) {
	f.calls.Add(1)
	f.mu.Lock()
	err, block := f.err, f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}
	}
	if err != nil {
		return nil, err
	}
	return f.health[region], nil
}

func (f *fakeHealth) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// forbidden is the refusal a role without the action gets.
var forbidden = &aliyun.Error{Code: "Forbidden.RAM", HTTPStatus: 403, Err: errors.New("user not authorized to operate on the specified resource")}

// eventQuery is one call to fakeEvents.
type eventQuery struct {
	statuses []string
	since    time.Time
}

// fakeEvents serves a region's events with the cycle statuses asked for,
// as the API does, but ignores since (it records it): old finished events
// come back, so that the collector's own lookback must drop them. Calls
// wait for gate when it is not nil.
type fakeEvents struct {
	events map[string][]aliyun.InstanceEvent
	gate   chan struct{}
	calls  atomic.Int64
	mu     sync.Mutex
	err    error
	asked  []eventQuery
}

func (f *fakeEvents) InstanceEvents(ctx context.Context, region string, statuses []string, since time.Time) ([]aliyun.InstanceEvent, error) {
	f.calls.Add(1)
	if err := passGate(ctx, f.gate); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, eventQuery{statuses, since})
	if f.err != nil {
		return nil, f.err
	}
	var out []aliyun.InstanceEvent
	for _, ev := range f.events[region] {
		if slices.Contains(statuses, ev.Status) {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (f *fakeEvents) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}
