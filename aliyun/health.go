package aliyun

import (
	"context"
	"io"

	"github.com/alibabacloud-go/tea/dara"
	json "github.com/go-json-experiment/json"
)

// ActionDescribeInstancesFullStatus is the API action InstanceHealth pages
// through.
const ActionDescribeInstancesFullStatus = "DescribeInstancesFullStatus"

// fullStatusPageSize is DescribeInstancesFullStatus's largest page.
const fullStatusPageSize = 100

// InstanceHealth lists every instance of region with its status and
// health, paging DescribeInstancesFullStatus 100 at a time: page 1 for
// TotalCount, then the rest at once. DescribeInstancesFullStatus takes no
// ZoneId, so zones is ignored and the whole region is listed: the caller
// joins the list with its status listing by ID. The list is read in one
// pass (an instance that moves between pages while they are read may be
// missed until the next call), and fails as a whole.
func (c *Client) InstanceHealth(ctx context.Context, region string, zones []string) ([]InstanceHealth, error) {
	rc, err := c.region(region)
	if err != nil {
		return nil, err
	}
	pages, _, err := countedPages(ctx, rc.workers, fullStatusPageSize, func(ctx context.Context, n int) (countedPage[InstanceHealth], error) {
		return c.healthPage(ctx, rc, region, n)
	})
	if err != nil {
		return nil, err
	}
	return dedupeBy(pages, func(h InstanceHealth) string { return h.ID }), nil
}

// healthPage fetches page n of a region's full statuses.
func (c *Client) healthPage(ctx context.Context, rc *regionClient, region string, n int) (countedPage[InstanceHealth], error) {
	query := map[string]*string{"RegionId": dara.String(region)}
	return numberedPage(ctx, c, rc, ActionDescribeInstancesFullStatus, query, n, fullStatusPageSize, decodeHealthPage)
}

// decodeHealthPage decodes one DescribeInstancesFullStatus page into lean
// structs, like decodeStatusPage: names only (never the numeric Codes),
// items with no InstanceId skipped, TotalCount required and plausible.
func decodeHealthPage(r io.Reader) (countedPage[InstanceHealth], error) {
	var p struct {
		TotalCount            *int `json:"TotalCount"`
		InstanceFullStatusSet struct {
			InstanceFullStatusType []healthItem `json:"InstanceFullStatusType"`
		} `json:"InstanceFullStatusSet"`
	}
	if err := json.UnmarshalRead(r, &p); err != nil {
		return countedPage[InstanceHealth]{}, err
	}
	return newCountedPage(p.TotalCount, p.InstanceFullStatusSet.InstanceFullStatusType, healthItem.plain)
}

// healthItem is one InstanceFullStatusType item as the API sends it, with
// the names it is read for.
type healthItem struct {
	InstanceID string `json:"InstanceId"`
	Status     struct {
		Name string `json:"Name"`
	} `json:"Status"`
	HealthStatus struct {
		Name string `json:"Name"`
	} `json:"HealthStatus"`
}

// plain is the item as an InstanceHealth, kept when it has an ID.
func (w healthItem) plain() (InstanceHealth, bool) {
	return InstanceHealth{ID: w.InstanceID, Status: w.Status.Name, Health: w.HealthStatus.Name}, w.InstanceID != ""
}
