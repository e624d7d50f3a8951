package simulator

import (
	"context"
	"reflect"
	"sort"
	"testing"
)

func TestDescribeInstanceStatusPagesThroughTheWholeListing(t *testing.T) {
	const region = "cn-hangzhou"
	fleet, s, c := generatedClient(t, region, 137, 7)

	wantIDs := fleetIDs(fleet)
	sort.Strings(wantIDs)
	wantStatus := map[string]string{}
	for _, in := range fleet {
		wantStatus[in.ID] = in.Status
	}

	var got []string
	for page, wantLen := range map[int32]int{1: 50, 2: 50, 3: 37, 4: 0} {
		body := mustDescribe(t, c, statusQuery{region: region, page: page, size: 50})
		if *body.TotalCount != 137 || *body.PageNumber != page || *body.PageSize != 50 {
			t.Errorf("page %d: TotalCount=%d PageNumber=%d PageSize=%d, want 137, %d, 50",
				page, *body.TotalCount, *body.PageNumber, *body.PageSize, page)
		}
		ids := pageIDs(body)
		if len(ids) != wantLen {
			t.Errorf("page %d has %d instances, want %d", page, len(ids), wantLen)
		}
		if page <= 3 {
			if want := wantIDs[(page-1)*50 : (page-1)*50+int32(wantLen)]; !reflect.DeepEqual(ids, want) {
				t.Errorf("page %d = %v, want %v", page, ids, want)
			}
		}
		for _, st := range body.InstanceStatuses.InstanceStatus {
			if *st.Status != wantStatus[*st.InstanceId] {
				t.Errorf("%s: Status %s, want %s", *st.InstanceId, *st.Status, wantStatus[*st.InstanceId])
			}
		}
		got = append(got, ids...)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, wantIDs) {
		t.Errorf("the pages together hold %d instances, want each of the %d exactly once", len(got), len(wantIDs))
	}
	if st := s.Stats(region); st.Calls != 4 || st.Errors != 0 {
		t.Errorf("Stats = %+v, want 4 calls, no errors", st)
	}
}

func TestDescribeInstanceStatusDefaultsToTheFirstPageOfTen(t *testing.T) {
	const region = "cn-shanghai"
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 25, 1)}})
	body := mustDescribe(t, newClient(t, endpoint, clientOpts{}), statusQuery{region: region})
	if *body.PageNumber != 1 || *body.PageSize != 10 || *body.TotalCount != 25 {
		t.Errorf("PageNumber=%d PageSize=%d TotalCount=%d, want 1, 10, 25", *body.PageNumber, *body.PageSize, *body.TotalCount)
	}
	if got, want := pageIDs(body), fleetIDs(s.Instances(region))[:10]; !reflect.DeepEqual(got, want) {
		t.Errorf("page = %v, want %v", got, want)
	}
}

func TestZoneIdFiltersThePagesAndTheTotal(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 137, 3) // zones -a, -b, -c round-robin: 46, 46, 45
	_, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: fleet},
		Zones:   map[string][]string{region: {"cn-hangzhou-k"}},
	})
	c := newClient(t, endpoint, clientOpts{})
	tests := []struct {
		zone  string
		total int
	}{
		{"cn-hangzhou-a", 46},
		{"cn-hangzhou-c", 45},
		{"cn-hangzhou-k", 0}, // a configured zone with no instances
	}
	for _, tt := range tests {
		t.Run("zone "+tt.zone+" holds its own instances only", func(t *testing.T) {
			var want []string
			for _, in := range fleet {
				if in.Zone == tt.zone {
					want = append(want, in.ID)
				}
			}
			var got []string
			for page := int32(1); ; page++ {
				body := mustDescribe(t, c, statusQuery{region: region, zone: tt.zone, page: page, size: 20})
				if int(*body.TotalCount) != tt.total {
					t.Fatalf("TotalCount = %d, want %d", *body.TotalCount, tt.total)
				}
				ids := pageIDs(body)
				if len(ids) == 0 {
					break
				}
				got = append(got, ids...)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestInstanceIdSelectsThoseInstances(t *testing.T) {
	const region = "cn-hangzhou"
	fleet, _, c := generatedClient(t, region, 30, 1)
	body := mustDescribe(t, c, statusQuery{region: region, ids: []string{fleet[7].ID, "i-nope", fleet[3].ID}})
	if got, want := pageIDs(body), []string{fleet[7].ID, fleet[3].ID}; !reflect.DeepEqual(got, want) || *body.TotalCount != 2 {
		t.Errorf("got %v (TotalCount %d), want %v (2)", got, *body.TotalCount, want)
	}

	var tooMany []string
	for i := range 101 {
		tooMany = append(tooMany, fleet[i%30].ID)
	}
	_, err := describe(context.Background(), c, statusQuery{region: region, ids: tooMany})
	wantAPIError(t, err, "InvalidParameter.TooManyInstanceIds", 403)
}

func TestDescribeInstanceStatusRejectsBadParameters(t *testing.T) {
	const region = "cn-hangzhou"
	tests := []rejection[statusQuery]{
		{"an unknown zone is InvalidZoneId.NotFound", statusQuery{region: region, zone: "cn-hangzhou-z"}, "InvalidZoneId.NotFound", 404},
		{"another region's zone is InvalidZoneId.NotFound", statusQuery{region: region, zone: "cn-shanghai-a"}, "InvalidZoneId.NotFound", 404},
		{"PageSize 0 is InvalidParameter", statusQuery{region: region, size: 0, setSz: true}, "InvalidParameter", 400},
		{"PageSize 51 is InvalidParameter", statusQuery{region: region, size: 51}, "InvalidParameter", 400},
		{"PageNumber 0 is InvalidParameter", statusQuery{region: region, page: 0, setPage: true}, "InvalidParameter", 400},
		{"PageNumber -1 is InvalidParameter", statusQuery{region: region, page: -1}, "InvalidParameter", 400},
	}
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{
		region:        GenerateFleet(region, 5, 1),
		"cn-shanghai": GenerateFleet("cn-shanghai", 5, 1),
	}})
	c := newClient(t, endpoint, clientOpts{})
	wantRejections(t, tests, func(q statusQuery) error {
		_, err := describe(context.Background(), c, q)
		return err
	})
	if st := s.Stats(""); st.Errors != int64(len(tests)) || st.Calls != int64(len(tests)) {
		t.Errorf("total Stats = %+v, want %d calls and errors", st, len(tests))
	}
}
