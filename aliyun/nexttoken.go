package aliyun

import (
	"context"
	"io"
	"strconv"

	"github.com/alibabacloud-go/tea/dara"
)

// tokenPage fetches the page of a NextToken-paged action that token names
// (the first page when token is empty): the query is region's, MaxResults
// at its largest, plus extra; decode reads the page's items and NextToken.
// DescribeInstances and DescribeInstanceHistoryEvents page this way.
func tokenPage[T any](ctx context.Context, c *Client, rc *regionClient, action, region, token string, extra map[string]*string, decode func(io.Reader) ([]T, string, error)) ([]T, string, error) {
	query := map[string]*string{
		"RegionId":   dara.String(region),
		"MaxResults": dara.String(strconv.Itoa(maxResults)),
	}
	for k, v := range extra {
		query[k] = v
	}
	if token != "" {
		query["NextToken"] = dara.String(token)
	}
	var (
		items []T
		next  string
	)
	err := c.call(ctx, rc, apiRequest{action: action, query: query, decode: func(r io.Reader) error {
		var err error
		items, next, err = decode(r)
		return err
	}})
	return items, next, err
}
