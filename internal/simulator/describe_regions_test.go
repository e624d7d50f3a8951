package simulator

import (
	"context"
	"reflect"
	"testing"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
)

func TestDescribeRegionsListsEveryRegionSorted(t *testing.T) {
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{
		"us-west-1":    nil,
		"cn-hangzhou":  GenerateFleet("cn-hangzhou", 3, 1),
		"eu-central-1": {},
	}})
	c := newClient(t, endpoint, clientOpts{})
	resp, err := c.DescribeRegionsWithContext(context.Background(), &ecs.DescribeRegionsRequest{}, &dara.RuntimeOptions{})
	if err != nil {
		t.Fatalf("DescribeRegions: %v", err)
	}
	var got []string
	for _, r := range resp.Body.Regions.Region {
		got = append(got, *r.RegionId)
		if want := "ecs." + *r.RegionId + ".aliyuncs.com"; *r.RegionEndpoint != want || *r.Status != "available" || *r.LocalName == "" {
			t.Errorf("%s: endpoint %q status %q local name %q", *r.RegionId, *r.RegionEndpoint, *r.Status, *r.LocalName)
		}
	}
	if want := []string{"cn-hangzhou", "eu-central-1", "us-west-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("regions = %v, want %v", got, want)
	}
}
