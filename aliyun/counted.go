package aliyun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/alibabacloud-go/tea/dara"
)

// Listings paged by PageNumber, with a TotalCount on every page:
// DescribeInstanceStatus (pager.go) and DescribeInstancesFullStatus
// (health.go). Both read page 1 for TotalCount, then the rest at once.

// maxInstances bounds what a TotalCount may claim. ECS quotas are far below
// it; a larger figure is a broken response, not a fleet.
const maxInstances = 1_000_000

// countedPage is one decoded page of a PageNumber-paged listing, with the
// TotalCount it reported.
type countedPage[T any] struct {
	Total int
	Items []T
}

// newCountedPage is a decoded page: its TotalCount, which must be there and
// be plausible (checkTotal), and the wire items that plain keeps (keepPlain).
func newCountedPage[W, T any](total *int, wire []W, plain func(W) (T, bool)) (countedPage[T], error) {
	n, err := checkTotal(total)
	if err != nil {
		return countedPage[T]{}, err
	}
	return countedPage[T]{Total: n, Items: keepPlain(wire, plain)}, nil
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

// numberedPage fetches page n, of size items, of a PageNumber-paged action:
// query holds the action's own fields (RegionId, and ZoneId where it
// applies) and gets PageNumber and PageSize added; decode reads the page.
func numberedPage[T any](ctx context.Context, c *Client, rc *regionClient, action string, query map[string]*string, n, size int, decode func(io.Reader) (countedPage[T], error)) (countedPage[T], error) {
	query["PageNumber"] = dara.String(strconv.Itoa(n))
	query["PageSize"] = dara.String(strconv.Itoa(size))
	var p countedPage[T]
	err := c.call(ctx, rc, apiRequest{action: action, query: query, decode: func(r io.Reader) error {
		var err error
		p, err = decode(r)
		return err
	}})
	return p, err
}

// countedPages reads page 1 of a listing of size items a page for its
// TotalCount, then the remaining pages at once, workers at a time
// (fetchEach); the first failure fails it all. It returns every page's
// items in page order, and whether every page reported the same
// TotalCount: if not, the listing changed while it was being paged.
func countedPages[T any](ctx context.Context, workers, size int, fetch func(ctx context.Context, n int) (countedPage[T], error)) ([][]T, bool, error) {
	first, err := fetch(ctx, 1)
	if err != nil {
		return nil, false, err
	}
	want := pagesFor(first.Total, size)
	pages := make([][]T, 1, want)
	pages[0] = first.Items
	if want == 1 {
		return pages, true, nil
	}
	rest, err := fetchEach(ctx, workers, 2, want, fetch)
	if err != nil {
		return nil, false, err
	}
	consistent := true
	for _, p := range rest {
		pages = append(pages, p.Items)
		consistent = consistent && p.Total == first.Total
	}
	return pages, consistent, nil
}

// pagesFor is how many pages of size items hold total items; at least one.
func pagesFor(total, size int) int {
	if total <= 0 {
		return 1
	}
	return (total + size - 1) / size
}
