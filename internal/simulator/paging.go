package simulator

import (
	"net/url"
	"strconv"
	"strings"
)

// The list actions page in one of two ways, and this file holds what they
// share: reading a call's page (after which the region, and the zone of a
// zoned action, are known to exist), cutting the page out of a listing, and
// the head of the answer. DescribeInstanceStatus and
// DescribeInstancesFullStatus take PageNumber and PageSize and echo them
// with the TotalCount; DescribeInstances and DescribeInstanceHistoryEvents
// take MaxResults and the NextToken of the previous answer, and answer with
// the next NextToken, empty at the end of the listing.

const (
	defaultPageSize   = 10
	defaultMaxResults = 10
	maxMaxResults     = 100
	nextTokenPrefix   = "sim-next-"
)

// paging is how a list action pages, for listAction.
type paging struct {
	tokens  bool // NextToken and MaxResults; else PageNumber and PageSize
	maxSize int  // the largest PageSize or MaxResults; 0: no upper bound
	zoned   bool // whether ZoneId narrows the listing
}

// listQuery is the page a list call asks for.
type listQuery struct {
	region, zone string
	ids          []string // when set, only these instances, in this order
	number       int      // PageNumber (from 1), when paged by number
	offset       int      // where the NextToken resumes, when paged by token
	size         int      // PageSize or MaxResults, at least 1
}

// listAction is the actionFunc of a list action that pages as p says:
// it reads the call's page, and answer makes the answer document for it.
func listAction(p paging, answer func(c actionCall, q listQuery) any) actionFunc {
	return func(c actionCall) ([]byte, *apiError) {
		q, err := p.read(c)
		if err != nil {
			return nil, err
		}
		return mustJSON(answer(c, q)), nil
	}
}

// read reads a call's page in the order the API checks the parameters:
// RegionId; then PageNumber (from 1), PageSize (1..maxSize, default
// defaultPageSize) and InstanceId.N, or MaxResults and NextToken; and last
// whether the account has the region and, for a zoned action, the ZoneId.
func (p paging) read(c actionCall) (listQuery, *apiError) {
	var q listQuery
	var err *apiError
	if q.region, err = requiredRegion(c.params); err != nil {
		return listQuery{}, err
	}
	if p.tokens {
		err = q.readTokens(c.params, p.maxSize)
	} else {
		err = q.readPage(c.params, p.maxSize)
	}
	if err != nil {
		return listQuery{}, err
	}
	if p.zoned {
		q.zone = c.params.Get("ZoneId")
	}
	if err = c.fleet.checkScope(q.region, q.zone); err != nil {
		return listQuery{}, err
	}
	return q, nil
}

// readPage reads PageNumber, PageSize (up to maxSize) and InstanceId.N.
func (q *listQuery) readPage(params url.Values, maxSize int) (err *apiError) {
	if q.number, err = intParam(params, "PageNumber", 1, 1, 0); err != nil {
		return err
	}
	if q.size, err = intParam(params, "PageSize", defaultPageSize, 1, maxSize); err != nil {
		return err
	}
	q.ids, err = instanceIDs(params)
	return err
}

// readTokens reads MaxResults (from 1, at most maxResults unless that is 0)
// and NextToken. Like the real API, a MaxResults below 10 counts as 10 and
// one above 100 as 100.
func (q *listQuery) readTokens(params url.Values, maxResults int) (err *apiError) {
	if q.size, err = intParam(params, "MaxResults", defaultMaxResults, 1, maxResults); err != nil {
		return err
	}
	q.size = min(max(q.size, defaultMaxResults), maxMaxResults)
	q.offset, err = nextTokenOffset(params.Get("NextToken"))
	return err
}

// nextTokenOffset is where in the listing the page named by token starts:
// 0 for no token, else the offset a previous answer put in its NextToken.
func nextTokenOffset(token string) (int, *apiError) {
	if token == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(token, nextTokenPrefix))
	if !strings.HasPrefix(token, nextTokenPrefix) || err != nil || n < 0 {
		return 0, errorf(400, "InvalidParameter", "The specified parameter \"NextToken\" is not valid.")
	}
	return n, nil
}

// pageHeader is what a page-number-paged answer starts with.
type pageHeader struct {
	RequestID  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
}

// pageHeader heads the answer for page q of a listing of total entries.
func (c actionCall) pageHeader(q listQuery, total int) pageHeader {
	return pageHeader{RequestID: c.requestID, TotalCount: total, PageNumber: q.number, PageSize: q.size}
}

// tokenHeader is what a NextToken-paged answer starts with.
type tokenHeader struct {
	RequestID string `json:"RequestId"`
	NextToken string `json:"NextToken"`
}

// tokenHeader heads the answer holding n entries of a listing of total
// from q.offset on; its NextToken names the rest, if there is any.
func (c actionCall) tokenHeader(q listQuery, n, total int) tokenHeader {
	h := tokenHeader{RequestID: c.requestID}
	if end := q.offset + n; end < total {
		h.NextToken = nextTokenPrefix + strconv.Itoa(end)
	}
	return h
}

// pageOf is page number (from 1) of list, in pages of size; empty past
// the end.
func pageOf[T any](list []T, number, size int) []T {
	if (number - 1) >= (len(list)+size-1)/size { // past the end; also guards overflow
		return nil
	}
	start := (number - 1) * size
	return list[start:min(start+size, len(list))]
}

// windowAt is up to size entries of list from offset on; empty past the
// end.
func windowAt[T any](list []T, offset, size int) []T {
	if offset >= len(list) {
		return nil
	}
	return list[offset : offset+min(size, len(list)-offset)]
}

// itemsOf makes each entry of list into an item of an answer; an empty list
// gives an empty, not a nil, slice, which the answer shows as [].
func itemsOf[E, T any](list []E, item func(E) T) []T {
	items := make([]T, 0, len(list))
	for _, e := range list {
		items = append(items, item(e))
	}
	return items
}
