package aliyun

import (
	"context"
	"io"
	"strconv"

	"github.com/alibabacloud-go/tea/dara"
	json "github.com/go-json-experiment/json"
)

// ActionDescribeInstancesFullStatus is the API action InstanceHealth pages
// through.
const ActionDescribeInstancesFullStatus = "DescribeInstancesFullStatus"

// fullStatusPageSize is DescribeInstancesFullStatus's largest page.
const fullStatusPageSize = 100

// healthPage is one decoded DescribeInstancesFullStatus page.
type healthPage struct {
	Total int
	Items []InstanceHealth
}

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
	first, err := c.healthPage(ctx, rc, region, 1)
	if err != nil {
		return nil, err
	}
	pages := [][]InstanceHealth{first.Items}
	if want := pagesFor(first.Total, fullStatusPageSize); want > 1 {
		rest, err := fetchEach(ctx, rc.workers, 2, want, func(ctx context.Context, n int) ([]InstanceHealth, error) {
			p, err := c.healthPage(ctx, rc, region, n)
			return p.Items, err
		})
		if err != nil {
			return nil, err
		}
		pages = append(pages, rest...)
	}
	return dedupeBy(pages, func(h InstanceHealth) string { return h.ID }), nil
}

// healthPage fetches page n of a region's full statuses.
func (c *Client) healthPage(ctx context.Context, rc *regionClient, region string, n int) (healthPage, error) {
	query := map[string]*string{
		"RegionId":   dara.String(region),
		"PageNumber": dara.String(strconv.Itoa(n)),
		"PageSize":   dara.String(strconv.Itoa(fullStatusPageSize)),
	}
	var p healthPage
	err := c.call(ctx, rc, apiRequest{action: ActionDescribeInstancesFullStatus, query: query, decode: func(r io.Reader) error {
		var err error
		p, err = decodeHealthPage(r)
		return err
	}})
	return p, err
}

// decodeHealthPage decodes one DescribeInstancesFullStatus page into lean
// structs, like decodeStatusPage: names only (never the numeric Codes),
// items with no InstanceId skipped, TotalCount required and plausible.
func decodeHealthPage(r io.Reader) (healthPage, error) {
	var p struct {
		TotalCount            *int `json:"TotalCount"`
		InstanceFullStatusSet struct {
			InstanceFullStatusType []struct {
				InstanceID string `json:"InstanceId"`
				Status     struct {
					Name string `json:"Name"`
				} `json:"Status"`
				HealthStatus struct {
					Name string `json:"Name"`
				} `json:"HealthStatus"`
			} `json:"InstanceFullStatusType"`
		} `json:"InstanceFullStatusSet"`
	}
	if err := json.UnmarshalRead(r, &p); err != nil {
		return healthPage{}, err
	}
	total, err := checkTotal(p.TotalCount)
	if err != nil {
		return healthPage{}, err
	}
	items := make([]InstanceHealth, 0, len(p.InstanceFullStatusSet.InstanceFullStatusType))
	for _, w := range p.InstanceFullStatusSet.InstanceFullStatusType {
		if w.InstanceID != "" {
			items = append(items, InstanceHealth{ID: w.InstanceID, Status: w.Status.Name, Health: w.HealthStatus.Name})
		}
	}
	return healthPage{Total: total, Items: items}, nil
}
