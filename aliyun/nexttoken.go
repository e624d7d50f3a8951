package aliyun

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/alibabacloud-go/tea/dara"
	json "github.com/go-json-experiment/json"
)

// tokenListing is one listing of a region paged by NextToken, read one page
// after another: DescribeInstances (describe.go) and
// DescribeInstanceHistoryEvents (events.go).
type tokenListing[T any] struct {
	action, region string
	// extra are the query fields besides RegionId, MaxResults and NextToken.
	extra map[string]*string
	// decode reads a page's items and NextToken.
	decode func(io.Reader) ([]T, string, error)
	// maxPages bounds the listing: a NextToken that never ends is a broken
	// API, not a fleet.
	maxPages int
	// refuseRepeat fails the listing (CodeDecode) when a page hands back
	// the NextToken it was read with; without it such a listing is read on,
	// up to maxPages.
	refuseRepeat bool
}

// pages reads the listing from its first page until a page gives no
// NextToken, and returns the pages' items in order. It fails as a whole.
func (l tokenListing[T]) pages(ctx context.Context, c *Client, rc *regionClient) ([][]T, error) {
	return l.follow(func(token string) ([]T, string, error) {
		return l.page(ctx, c, rc, token)
	})
}

// follow is pages' walk along the tokens; fetch reads the page a token
// names (the first page for "").
func (l tokenListing[T]) follow(fetch func(token string) ([]T, string, error)) ([][]T, error) {
	var pages [][]T
	token := ""
	for range l.maxPages {
		items, next, err := fetch(token)
		if err != nil {
			return nil, err
		}
		pages = append(pages, items)
		if next == "" {
			break
		}
		if l.refuseRepeat && next == token {
			return nil, &Error{Code: CodeDecode, Err: fmt.Errorf("%s returned the NextToken it was given", l.action)}
		}
		token = next
	}
	return pages, nil
}

// page fetches the page that token names: the query is the region's,
// MaxResults at its largest, plus extra.
func (l tokenListing[T]) page(ctx context.Context, c *Client, rc *regionClient, token string) ([]T, string, error) {
	query := map[string]*string{
		"RegionId":   dara.String(l.region),
		"MaxResults": dara.String(strconv.Itoa(maxResults)),
	}
	for k, v := range l.extra {
		query[k] = v
	}
	if token != "" {
		query["NextToken"] = dara.String(token)
	}
	var (
		items []T
		next  string
	)
	err := c.call(ctx, rc, apiRequest{action: l.action, query: query, decode: func(r io.Reader) error {
		var err error
		items, next, err = l.decode(r)
		return err
	}})
	return items, next, err
}

// decodeTokenPage decodes a page of a NextToken-paged action: its NextToken,
// and beside it the action's item set S, whose wire items (items) it
// returns as plain keeps them (keepPlain).
func decodeTokenPage[S, W, T any](r io.Reader, items func(*S) []W, plain func(W) (T, bool)) ([]T, string, error) {
	var p struct {
		NextToken string `json:"NextToken"`
		Set       S      `json:",inline"`
	}
	if err := json.UnmarshalRead(r, &p); err != nil {
		return nil, "", err
	}
	return keepPlain(items(&p.Set), plain), p.NextToken, nil
}
