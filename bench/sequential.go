package main

import (
	"context"
	"errors"
	"net/url"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
)

// sequentialPager pages the fleet the way peer exporters do: the SDK's typed
// DescribeInstanceStatus, one call at a time, every page of every region in
// turn. A throttled call is retried after a second (peers that do not retry
// at all would simply lose the page). It returns the time taken and the
// calls made.
func sequentialPager(base string, sc scenario) (time.Duration, int, error) {
	u, err := url.Parse(base)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	calls := 0
	for _, region := range sc.regionNames() {
		client, err := ecs.NewClient(&openapi.Config{
			AccessKeyId: dara.String(benchKey), AccessKeySecret: dara.String(benchSecret),
			RegionId: dara.String(region), Endpoint: dara.String(u.Host), Protocol: dara.String(u.Scheme),
		})
		if err != nil {
			return 0, calls, err
		}
		seen := 0
		for page := 1; ; page++ {
			var resp *ecs.DescribeInstanceStatusResponse
			for {
				calls++
				resp, err = client.DescribeInstanceStatusWithContext(context.Background(), &ecs.DescribeInstanceStatusRequest{
					RegionId: dara.String(region), PageNumber: dara.Int32(int32(page)), PageSize: dara.Int32(50),
				}, &dara.RuntimeOptions{})
				if err == nil {
					break
				}
				var se *dara.SDKError
				if errors.As(err, &se) && dara.StringValue(se.Code) == "Throttling.User" {
					time.Sleep(time.Second)
					continue
				}
				return 0, calls, err
			}
			items := resp.Body.InstanceStatuses.InstanceStatus
			seen += len(items)
			if len(items) == 0 || seen >= int(dara.Int32Value(resp.Body.TotalCount)) {
				break
			}
		}
		if seen != sc.instances {
			return 0, calls, errors.New("sequential pager missed instances")
		}
	}
	return time.Since(start), calls, nil
}
