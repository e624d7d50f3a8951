package aliyun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/alibabacloud-go/tea/dara"
	json "github.com/go-json-experiment/json"
)

// maxInstances bounds what a TotalCount may claim. ECS quotas are far below
// it; a larger figure is a broken response, not a fleet.
const maxInstances = 1_000_000

// maxPasses bounds how often a sweep pages through a listing that keeps
// changing under it.
const maxPasses = 3

// statusPage is one decoded DescribeInstanceStatus page.
type statusPage struct {
	Total int
	Items []Instance
}

// statusDoc is what decodeStatusPage reads of a page. Names match exactly,
// as the API sends them.
type statusDoc struct {
	TotalCount       *int `json:"TotalCount"`
	InstanceStatuses struct {
		InstanceStatus []struct {
			InstanceID string `json:"InstanceId"`
			Status     string `json:"Status"`
		} `json:"InstanceStatus"`
	} `json:"InstanceStatuses"`
}

// statusDocs are reused across pages: the decoder appends a page's items
// into the capacity a previous page left, instead of growing a new slice
// from nothing on every page.
var statusDocs = sync.Pool{New: func() any { return new(statusDoc) }}

// decodeStatusPage decodes one page into lean structs, skipping items with
// no InstanceId. It uses the encoding/json v2 implementation, which decodes
// these pages in about half the time of encoding/json: decoding was the
// largest CPU cost of a sweep. Invalid UTF-8 is an error rather than
// silently replaced.
func decodeStatusPage(r io.Reader) (statusPage, error) {
	p := statusDocs.Get().(*statusDoc)
	defer func() {
		// A freak page does not keep its size alive in the pool.
		if cap(p.InstanceStatuses.InstanceStatus) <= 2*MaxPageSize {
			statusDocs.Put(p)
		}
	}()
	p.TotalCount = nil
	p.InstanceStatuses.InstanceStatus = p.InstanceStatuses.InstanceStatus[:0]
	if err := json.UnmarshalRead(r, p); err != nil {
		return statusPage{}, err
	}
	total, err := checkTotal(p.TotalCount)
	if err != nil {
		return statusPage{}, err
	}
	items := make([]Instance, 0, len(p.InstanceStatuses.InstanceStatus))
	for _, w := range p.InstanceStatuses.InstanceStatus {
		if w.InstanceID != "" {
			items = append(items, Instance{ID: w.InstanceID, Status: w.Status})
		}
	}
	return statusPage{Total: total, Items: items}, nil
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
	err := c.call(ctx, rc, apiRequest{action: ActionDescribeInstanceStatus, query: query, decode: func(r io.Reader) error {
		var err error
		p, err = decodeStatusPage(r)
		return err
	}})
	return p, err
}

func pagesFor(total, size int) int {
	if total <= 0 {
		return 1
	}
	return (total + size - 1) / size
}

// sweepZone reads page 1 for TotalCount, then the remaining pages
// concurrently. Every page reports TotalCount; if they disagree, the listing
// changed while it was being paged, and because pages are fetched in no
// particular order an instance may have shifted past a page boundary unseen.
// Such a pass is repeated, up to maxPasses times. When no pass is
// consistent, the union of all passes is returned (later statuses win), so
// an instance may outlive its deletion by one scrape but none is lost.
func (c *Client) sweepZone(ctx context.Context, rc *regionClient, region, zone string) ([]Instance, error) {
	var passes [][]Instance
	for range maxPasses {
		items, consistent, err := c.pass(ctx, rc, region, zone)
		if err != nil {
			return nil, err
		}
		if consistent {
			return items, nil
		}
		passes = append(passes, items)
	}
	slices.Reverse(passes)
	return dedupe(passes), nil
}

// pass pages through the listing once and reports whether every page saw
// the same TotalCount.
func (c *Client) pass(ctx context.Context, rc *regionClient, region, zone string) ([]Instance, bool, error) {
	first, err := c.page(ctx, rc, region, zone, 1)
	if err != nil {
		return nil, false, err
	}
	want := pagesFor(first.Total, c.opts.PageSize)
	pages := make([][]Instance, want)
	pages[0] = first.Items
	lo, hi := first.Total, first.Total
	if want > 1 {
		rest, restLo, restHi, err := c.fetchPages(ctx, rc, region, zone, 2, want)
		if err != nil {
			return nil, false, err
		}
		copy(pages[1:], rest)
		lo, hi = min(lo, restLo), max(hi, restHi)
	}
	return dedupe(pages), lo == hi, nil
}

// fetchPages fetches pages from..to (inclusive) with as many workers as the
// region may have requests in flight (fetchEach). It returns them in order,
// with the smallest and largest TotalCount they reported. The first failure
// cancels the rest.
func (c *Client) fetchPages(ctx context.Context, rc *regionClient, region, zone string, from, to int) (pages [][]Instance, lo, hi int, err error) {
	got, err := fetchEach(ctx, rc.workers, from, to, func(ctx context.Context, n int) (statusPage, error) {
		return c.page(ctx, rc, region, zone, n)
	})
	if err != nil {
		return nil, 0, 0, err
	}
	pages = make([][]Instance, len(got))
	totals := make([]int, len(got))
	for i, p := range got {
		pages[i], totals[i] = p.Items, p.Total
	}
	return pages, slices.Min(totals), slices.Max(totals), nil
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
	return dedupeBy(pages, func(in Instance) string { return in.ID })
}

// checkTotal is a page's TotalCount, or an error when the response has
// none or one no real region has (below zero or over maxInstances).
func checkTotal(total *int) (int, error) {
	if total == nil {
		return 0, errors.New("response has no TotalCount")
	}
	if *total < 0 || *total > maxInstances {
		return 0, fmt.Errorf("response has an implausible TotalCount %d", *total)
	}
	return *total, nil
}
