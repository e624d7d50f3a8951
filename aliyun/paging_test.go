package aliyun

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

func TestPagesThroughEveryInstanceOfARegion(t *testing.T) {
	fleet, sim, ep := startFleet(t, 137, 1)
	for _, v1 := range []bool{false, true} {
		t.Run(fmt.Sprintf("signature v1=%v", v1), func(t *testing.T) {
			sim.ResetStats()
			c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.signatureV1 = v1 })
			got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			wantFleet(t, got, fleet)
			if n := sim.Stats("cn-hangzhou").Calls; n != 3 {
				t.Errorf("simulator saw %d calls for 137 instances at page size 50, want 3", n)
			}
			if n := rec.count("cn-hangzhou", "OK"); n != 3 {
				t.Errorf("observer saw %d OK requests, want 3", n)
			}
		})
	}
}

func TestSmallPageSizeStillGetsEveryInstance(t *testing.T) {
	fleet, sim, ep := startFleet(t, 137, 2)
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.PageSize = 7; o.MaxInflight = 4 })
	got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFleet(t, got, fleet)
	st := sim.Stats("cn-hangzhou")
	if st.Calls != 20 {
		t.Errorf("simulator saw %d calls, want 20 pages of 7", st.Calls)
	}
	if st.MaxInFlight > 4 {
		t.Errorf("%d requests were in flight at once, cap is 4", st.MaxInFlight)
	}
}

func TestEmptyRegionIsASuccessWithNoInstances(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"eu-central-1": {}}})
	c, _ := newTestClient(t, ep, []string{"eu-central-1"})
	got, err := c.InstanceStatuses(context.Background(), "eu-central-1", nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no instances and no error", got, err)
	}
}

func TestZoneFilterSendsZoneIdAndMergesZones(t *testing.T) {
	fleet, _, ep := startFleet(t, 90, 3)
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	zones := map[string]bool{}
	for _, in := range fleet {
		zones[in.Zone] = true
	}
	var names []string
	for z := range zones {
		names = append(names, z)
	}
	sort.Strings(names)
	if len(names) < 2 {
		t.Fatalf("fleet has zones %v, want at least 2", names)
	}
	pick := names[:2]
	var want []simulator.Instance
	for _, in := range fleet {
		if in.Zone == pick[0] || in.Zone == pick[1] {
			want = append(want, in)
		}
	}
	got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", pick)
	if err != nil {
		t.Fatal(err)
	}
	wantFleet(t, got, want)
}

func TestListingThatChangesMidSweepLosesNobody(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(sim *simulator.Server, fleet []simulator.Instance)
	}{
		{"an instance created at the head shifts every later page by one", func(sim *simulator.Server, fleet []simulator.Instance) {
			sim.Insert("cn-hangzhou", simulator.Instance{ID: "i-inserted-at-head", Zone: fleet[0].Zone, Status: "Pending"}, true)
		}},
		{"an instance deleted at the head shifts every later page back by one", func(sim *simulator.Server, fleet []simulator.Instance) {
			sim.Remove("cn-hangzhou", fleet[0].ID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fleet := simulator.GenerateFleet("cn-hangzhou", 120, 9)
			var once sync.Once
			var sim *simulator.Server
			sim, ep := startSim(t, simulator.Config{
				Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet},
				OnRequest: func(region string, page int) {
					// Change the listing once, just after page 1 was served.
					if page > 1 {
						once.Do(func() { tc.change(sim, fleet) })
					}
				},
			})
			c, _ := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.MaxInflight = 1 })
			got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			// The pages disagreed on TotalCount, so the sweep paged through
			// the listing again and returned exactly what is there now.
			wantFleet(t, got, sim.Instances("cn-hangzhou"))
		})
	}
}

// TestDecodedPagesShareNothing: decoding reuses its scratch space from
// page to page, and nothing of one page shows in the next: not an item,
// not a field an item of the next page lacks, not a TotalCount.
func TestDecodedPagesShareNothing(t *testing.T) {
	first := `{"TotalCount":3,"InstanceStatuses":{"InstanceStatus":[{"InstanceId":"i-a","Status":"Running"},{"InstanceId":"i-b","Status":"Stopped"}]}}`
	p, err := decodeStatusPage(strings.NewReader(first))
	if err != nil || len(p.Items) != 2 {
		t.Fatal(p, err)
	}
	p, err = decodeStatusPage(strings.NewReader(`{"TotalCount":3,"InstanceStatuses":{"InstanceStatus":[{"InstanceId":"i-c"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Instance{{ID: "i-c"}}; !slices.Equal(p.Items, want) {
		t.Errorf("second page decoded as %+v, want %+v", p.Items, want)
	}
	if _, err := decodeStatusPage(strings.NewReader(`{"InstanceStatuses":{"InstanceStatus":[]}}`)); err == nil {
		t.Error("a page without TotalCount was accepted after one with it")
	}
}
