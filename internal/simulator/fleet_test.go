package simulator

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestFleetChangesShowInTheListing(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 5, 1)
	ids := fleetIDs(fleet)
	newcomer := Instance{ID: "i-0new", Zone: "cn-hangzhou-a", Status: StatusPending}
	tests := []struct {
		name   string
		change func(s *Server) bool
		want   []string
	}{
		{
			name:   "Insert at the head puts the instance first",
			change: func(s *Server) bool { s.Insert(region, newcomer, true); return true },
			want:   append([]string{newcomer.ID}, ids...),
		},
		{
			name:   "Insert at the tail puts the instance last",
			change: func(s *Server) bool { s.Insert(region, newcomer, false); return true },
			want:   append(append([]string{}, ids...), newcomer.ID),
		},
		{
			name: "Insert of an existing ID moves it rather than duplicating it",
			change: func(s *Server) bool {
				s.Insert(region, Instance{ID: ids[2], Zone: "cn-hangzhou-b", Status: StatusStopped}, true)
				return true
			},
			want: []string{ids[2], ids[0], ids[1], ids[3], ids[4]},
		},
		{
			name:   "Remove takes the instance out",
			change: func(s *Server) bool { return s.Remove(region, ids[1]) },
			want:   []string{ids[0], ids[2], ids[3], ids[4]},
		},
		{
			name:   "Remove of an unknown instance reports false",
			change: func(s *Server) bool { return !s.Remove(region, "i-nope") && !s.Remove("xx-nowhere-1", ids[0]) },
			want:   ids,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: fleet}})
			if !tt.change(s) {
				t.Fatal("the change reported failure")
			}
			body := mustDescribe(t, newClient(t, endpoint, clientOpts{}), statusQuery{region: region, size: 50})
			if got := pageIDs(body); !reflect.DeepEqual(got, tt.want) || int(*body.TotalCount) != len(tt.want) {
				t.Errorf("listing %v (TotalCount %d), want %v", got, *body.TotalCount, tt.want)
			}
		})
	}
}

func TestSetStatusShowsInTheNextPage(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := []Instance{{ID: "i-1", Zone: "cn-hangzhou-a", Status: StatusRunning}}
	s, c := regionClient(t, region, fleet)
	if !s.SetStatus(region, "i-1", StatusStopping) {
		t.Fatal("SetStatus of a known instance reported false")
	}
	if s.SetStatus(region, "i-2", StatusStopping) || s.SetStatus("xx-nowhere-1", "i-1", StatusStopping) {
		t.Error("SetStatus of an unknown instance reported true")
	}
	body := mustDescribe(t, c, statusQuery{region: region})
	if got := *body.InstanceStatuses.InstanceStatus[0].Status; got != StatusStopping {
		t.Errorf("Status = %s, want %s", got, StatusStopping)
	}
	if fleet[0].Status != StatusRunning {
		t.Error("the caller's Config slice changed")
	}
}

func TestInsertIntoANewRegionCreatesIt(t *testing.T) {
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{"cn-hangzhou": nil}})
	s.Insert("cn-beijing", Instance{ID: "i-bj", Zone: "cn-beijing-a", Status: StatusRunning}, false)
	body := mustDescribe(t, newClient(t, endpoint, clientOpts{}), statusQuery{region: "cn-beijing", zone: "cn-beijing-a"})
	if got := pageIDs(body); !reflect.DeepEqual(got, []string{"i-bj"}) {
		t.Errorf("cn-beijing lists %v, want [i-bj]", got)
	}
}

func TestOnRequestCanChangeTheFleetMidSweep(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 100, 1)
	var s *Server
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: fleet},
		OnRequest: func(r string, page int) {
			if page == 2 { // a new instance arrives at the head while page 2 is read
				s.Insert(r, Instance{ID: "i-0000new", Zone: "cn-hangzhou-a", Status: StatusPending}, true)
			}
		},
	})
	c := newClient(t, endpoint, clientOpts{})
	first := pageIDs(mustDescribe(t, c, statusQuery{region: region, page: 1, size: 50}))
	second := mustDescribe(t, c, statusQuery{region: region, page: 2, size: 50})
	if *second.TotalCount != 101 {
		t.Errorf("TotalCount = %d, want 101", *second.TotalCount)
	}
	// The listing shifted by one, so page 2 repeats page 1's last instance.
	if got := pageIDs(second)[0]; got != first[49] {
		t.Errorf("page 2 starts with %s, want the shifted %s", got, first[49])
	}
}

func TestConcurrentCallsAndFleetChangesAreRaceFree(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 300, 1)}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	churned := make(chan struct{})
	go func() {
		defer close(churned)
		s.Churn(ctx, time.Millisecond, 1)
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		// One SDK client per goroutine, each with its own HTTP client: the
		// SDK's clients are not safe for concurrent use (see ownHTTP).
		c := newClient(t, endpoint, clientOpts{ownHTTP: true})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				id := "i-extra-" + string(rune('a'+w)) + string(rune('a'+i))
				s.Insert(region, Instance{ID: id, Zone: "cn-hangzhou-a", Status: StatusPending}, i%2 == 0)
				if _, err := describe(context.Background(), c, statusQuery{region: region, zone: "cn-hangzhou-a", page: int32(i%4 + 1), size: 50}); err != nil {
					t.Error(err)
				}
				s.SetStatus(region, id, StatusRunning)
				s.Remove(region, id)
			}
		}()
	}
	wg.Wait()
	cancel()
	<-churned
	if got := len(s.Instances(region)); got != 300 {
		t.Errorf("fleet has %d instances after adding and removing the extras, want 300", got)
	}
	if st := s.Stats(""); st.Calls != 40 || st.Errors != 0 {
		t.Errorf("Stats = %+v, want 40 calls, no errors", st)
	}
}

func TestChurnChangesStatuses(t *testing.T) {
	const region = "cn-hangzhou"
	s, _ := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 50, 1)}})
	before := s.Instances(region)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Churn(ctx, time.Millisecond, 9)
	}()
	waitFor(t, func() bool { return !reflect.DeepEqual(s.Instances(region), before) })
	cancel()
	<-done
	after := s.Instances(region)
	for i := range after {
		if after[i].ID != before[i].ID || after[i].Zone != before[i].Zone {
			t.Fatalf("Churn changed more than statuses: %+v -> %+v", before[i], after[i])
		}
		if _, known := churnNext[after[i].Status]; !known {
			t.Errorf("%s has unknown status %q", after[i].ID, after[i].Status)
		}
	}
}

func TestChurnFollowsTheLifeCycle(t *testing.T) {
	want := map[string]string{
		StatusRunning:  StatusStopping,
		StatusStopping: StatusStopped,
		StatusStopped:  StatusStarting,
		StatusStarting: StatusRunning,
		StatusPending:  StatusRunning,
	}
	if !reflect.DeepEqual(churnNext, want) {
		t.Errorf("transitions %v, want %v", churnNext, want)
	}
}
