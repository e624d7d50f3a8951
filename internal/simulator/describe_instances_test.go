package simulator

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
)

// instancesQuery is one DescribeInstances call; zero fields are left out.
type instancesQuery struct {
	region, zone, token string
	maxResults          int32
}

func listInstances(c *ecs.Client, q instancesQuery) (*ecs.DescribeInstancesResponseBody, error) {
	req := &ecs.DescribeInstancesRequest{}
	if q.region != "" {
		req.RegionId = tea.String(q.region)
	}
	if q.zone != "" {
		req.ZoneId = tea.String(q.zone)
	}
	if q.token != "" {
		req.NextToken = tea.String(q.token)
	}
	if q.maxResults != 0 {
		req.MaxResults = tea.Int32(q.maxResults)
	}
	return sdkBody(context.Background(), c.DescribeInstancesWithContext, req)
}

func TestDescribeInstancesPagesWithNextToken(t *testing.T) {
	const region = "cn-hangzhou"
	_, s, c := generatedClient(t, region, 25, 5)
	want := s.Instances(region)

	var got []Instance
	var sizes []int
	token := ""
	for range 10 {
		// MaxResults below 10 counts as 10, as in the real API.
		body, err := listInstances(c, instancesQuery{region: region, token: token, maxResults: 3})
		if err != nil {
			t.Fatalf("DescribeInstances(NextToken %q): %v", token, err)
		}
		if *body.TotalCount != 25 {
			t.Errorf("TotalCount %d, want 25", *body.TotalCount)
		}
		sizes = append(sizes, len(body.Instances.Instance))
		for _, in := range body.Instances.Instance {
			got = append(got, fromSDK(t, region, in))
		}
		if token = tea.StringValue(body.NextToken); token == "" {
			break
		}
	}
	if !reflect.DeepEqual(sizes, []int{10, 10, 5}) {
		t.Errorf("page sizes %v, want [10 10 5]", sizes)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the pages together are\n%v\nwant\n%v", got, want)
	}
}

// fromSDK turns a DescribeInstances item back into an Instance, checking
// the fields the simulator fills in the same way for every instance.
func fromSDK(t *testing.T, region string, in *ecs.DescribeInstancesResponseBodyInstancesInstance) Instance {
	t.Helper()
	out := Instance{
		ID: *in.InstanceId, Zone: *in.ZoneId, Status: *in.Status,
		Name: *in.InstanceName, Type: *in.InstanceType, Tags: map[string]string{},
	}
	if *in.HostName != out.Name || *in.RegionId != region || *in.InstanceChargeType != "PostPaid" || *in.OSType != "linux" {
		t.Errorf("%s: HostName %q RegionId %q InstanceChargeType %q OSType %q", out.ID, *in.HostName, *in.RegionId, *in.InstanceChargeType, *in.OSType)
	}
	var keys []string
	for _, tag := range in.Tags.Tag {
		keys = append(keys, *tag.TagKey)
		out.Tags[*tag.TagKey] = *tag.TagValue
	}
	if !slices.IsSorted(keys) {
		t.Errorf("%s: tags in order %v, want sorted by key", out.ID, keys)
	}
	return out
}

func TestDescribeInstancesFiltersByZone(t *testing.T) {
	const region, zone = "cn-hangzhou", "cn-hangzhou-b"
	fleet := GenerateFleet(region, 30, 2)
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: fleet}})
	body, err := listInstances(newClient(t, endpoint, clientOpts{}), instancesQuery{region: region, zone: zone, maxResults: 100})
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, in := range fleet {
		if in.Zone == zone {
			want = append(want, in.ID)
		}
	}
	for _, in := range body.Instances.Instance {
		got = append(got, *in.InstanceId)
	}
	if !reflect.DeepEqual(got, want) || tea.StringValue(body.NextToken) != "" || int(*body.TotalCount) != len(want) {
		t.Errorf("got %v (NextToken %q, TotalCount %d), want %v and no NextToken", got, tea.StringValue(body.NextToken), *body.TotalCount, want)
	}
}

func TestDescribeInstancesRejectsBadParameters(t *testing.T) {
	const region = "cn-hangzhou"
	tests := []rejection[instancesQuery]{
		{"an unknown zone is InvalidZoneId.NotFound", instancesQuery{region: region, zone: "cn-hangzhou-z"}, "InvalidZoneId.NotFound", 404},
		{"MaxResults 101 is InvalidParameter", instancesQuery{region: region, maxResults: 101}, "InvalidParameter", 400},
		{"MaxResults -1 is InvalidParameter", instancesQuery{region: region, maxResults: -1}, "InvalidParameter", 400},
		{"a NextToken the simulator did not make is InvalidParameter", instancesQuery{region: region, token: "abc"}, "InvalidParameter", 400},
		{"a negative NextToken is InvalidParameter", instancesQuery{region: region, token: nextTokenPrefix + "-1"}, "InvalidParameter", 400},
	}
	_, c := regionClient(t, region, GenerateFleet(region, 5, 1))
	wantRejections(t, tests, func(q instancesQuery) error {
		_, err := listInstances(c, q)
		return err
	})
}

func TestDescribeInstancesPastTheEndIsAnEmptyLastPage(t *testing.T) {
	const region = "cn-hangzhou"
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 5, 1)}})
	body, err := listInstances(newClient(t, endpoint, clientOpts{}), instancesQuery{region: region, token: nextTokenPrefix + "50"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(body.Instances.Instance); n != 0 || tea.StringValue(body.NextToken) != "" {
		t.Errorf("got %d instances and NextToken %q, want none and no token", n, tea.StringValue(body.NextToken))
	}
}

func TestDescribeInstancesReportsChargeTypeExpiryAndLocks(t *testing.T) {
	const region = "cn-hangzhou"
	expires := time.Date(2031, 2, 3, 4, 5, 59, 0, time.UTC)
	fleet := []Instance{
		{ID: "i-1", Zone: "cn-hangzhou-a", Status: StatusRunning},
		{ID: "i-2", Zone: "cn-hangzhou-a", Status: StatusRunning, ChargeType: ChargePrePaid, ExpiredTime: expires},
		{ID: "i-3", Zone: "cn-hangzhou-a", Status: StatusStopped, ChargeType: ChargePrePaid, Locks: []string{"financial", "security"}},
		{ID: "i-4", Zone: "cn-hangzhou-a", Status: StatusRunning, ChargeType: ChargePostPaid, ExpiredTime: expires},
	}
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: fleet}})
	body, err := listInstances(newClient(t, endpoint, clientOpts{}), instancesQuery{region: region})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range body.Instances.Instance {
		line := *in.InstanceId + " " + *in.InstanceChargeType + " " + *in.ExpiredTime
		for _, l := range in.OperationLocks.LockReason {
			line += " " + *l.LockReason
		}
		got = append(got, line)
	}
	want := []string{
		"i-1 PostPaid 2099-12-31T15:59Z",
		"i-2 PrePaid 2031-02-03T04:05Z",
		"i-3 PrePaid 2099-12-31T15:59Z financial security",
		"i-4 PostPaid 2099-12-31T15:59Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
}
