package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/alibabacloud-go/tea/dara"
)

// maxInstances bounds what a TotalCount may claim. ECS quotas are far below
// it; a larger figure is a broken response, not a fleet.
const maxInstances = 1_000_000

// maxExtraRounds bounds how often a sweep chases a TotalCount that grew
// while it was paging.
const maxExtraRounds = 3

// statusPage is one decoded DescribeInstanceStatus page.
type statusPage struct {
	Total int
	Items []Instance
}

// decodeStatusPage decodes one page into lean structs, skipping items with
// no InstanceId.
func decodeStatusPage(r io.Reader) (statusPage, error) {
	var p struct {
		TotalCount       *int
		InstanceStatuses struct {
			InstanceStatus []struct {
				InstanceID string `json:"InstanceId"`
				Status     string
			}
		}
	}
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return statusPage{}, err
	}
	if p.TotalCount == nil {
		return statusPage{}, errors.New("response has no TotalCount")
	}
	if *p.TotalCount < 0 || *p.TotalCount > maxInstances {
		return statusPage{}, fmt.Errorf("response has an implausible TotalCount %d", *p.TotalCount)
	}
	items := make([]Instance, 0, len(p.InstanceStatuses.InstanceStatus))
	for _, w := range p.InstanceStatuses.InstanceStatus {
		if w.InstanceID != "" {
			items = append(items, Instance{ID: w.InstanceID, Status: w.Status})
		}
	}
	return statusPage{Total: *p.TotalCount, Items: items}, nil
}

// page fetches one page of a region (and zone, if not empty).
func (c *Client) page(ctx context.Context, rc *regionClient, region, zone string, n int) (statusPage, error) {
	query := map[string]*string{
		"RegionId":   dara.String(region),
		"PageNumber": dara.String(strconv.Itoa(n)),
		"PageSize":   dara.String(strconv.Itoa(c.opts.PageSize)),
	}
	if zone != "" {
		query["ZoneId"] = dara.String(zone)
	}
	var p statusPage
	err := c.call(ctx, rc, region, ActionDescribeInstanceStatus, query, func(r io.Reader) error {
		var err error
		p, err = decodeStatusPage(r)
		return err
	})
	return p, err
}

func pagesFor(total, size int) int {
	if total <= 0 {
		return 1
	}
	return (total + size - 1) / size
}

// sweepZone reads page 1 for TotalCount, then the remaining pages
// concurrently. If a later page reports a larger TotalCount (instances were
// created mid-sweep), it fetches the new pages too, a bounded number of times.
func (c *Client) sweepZone(ctx context.Context, rc *regionClient, region, zone string) ([]Instance, error) {
	first, err := c.page(ctx, rc, region, zone, 1)
	if err != nil {
		return nil, err
	}
	pages := [][]Instance{first.Items}
	total, fetched := first.Total, 1
	for range maxExtraRounds + 1 {
		want := pagesFor(total, c.opts.PageSize)
		if want <= fetched {
			break
		}
		more, seen, err := c.fetchPages(ctx, rc, region, zone, fetched+1, want)
		if err != nil {
			return nil, err
		}
		pages = append(pages, more...)
		fetched = want
		total = max(total, seen)
	}
	return dedupe(pages), nil
}

// fetchPages fetches pages from..to (inclusive) with at most MaxInflight
// workers, and returns them in order with the largest TotalCount they saw.
// The first failure cancels the rest.
func (c *Client) fetchPages(ctx context.Context, rc *regionClient, region, zone string, from, to int) ([][]Instance, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := to - from + 1
	out := make([][]Instance, n)
	errs := make([]error, n)
	var next, maxTotal atomic.Int64
	var wg sync.WaitGroup
	for range min(n, cap(c.inflight)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				p, err := c.page(ctx, rc, region, zone, from+i)
				if err != nil {
					errs[i] = err
					cancel()
					return
				}
				out[i] = p.Items
				for {
					cur := maxTotal.Load()
					if int64(p.Total) <= cur || maxTotal.CompareAndSwap(cur, int64(p.Total)) {
						break
					}
				}
			}
		})
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, 0, err
	}
	return out, int(maxTotal.Load()), nil
}

// firstError prefers a real cause over the cancellations it triggered.
func firstError(errs []error) error {
	var fallback error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if ErrorCode(err) != CodeTimeout {
			return err
		}
		if fallback == nil {
			fallback = err
		}
	}
	return fallback
}

// dedupe concatenates pages, keeping the first occurrence of each ID: when
// the listing shifts between pages, an instance can appear on two of them.
func dedupe(pages [][]Instance) []Instance {
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	out := make([]Instance, 0, n)
	seen := make(map[string]struct{}, n)
	for _, p := range pages {
		for _, in := range p {
			if _, dup := seen[in.ID]; dup {
				continue
			}
			seen[in.ID] = struct{}{}
			out = append(out, in)
		}
	}
	return out
}
