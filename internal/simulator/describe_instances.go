package simulator

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultMaxResults = 10
	maxMaxResults     = 100
	nextTokenPrefix   = "sim-next-"
	// expiredTimePlaceholder is the ExpiredTime the API shows for
	// pay-as-you-go instances.
	expiredTimePlaceholder = "2099-12-31T15:59Z"
)

// tagItem is one tag of a DescribeInstances entry.
type tagItem struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

// lockItem is one of an instance's OperationLocks.
type lockItem struct {
	LockReason string `json:"LockReason"`
}

// instanceItem is one entry of the DescribeInstances answer.
type instanceItem struct {
	InstanceID         string `json:"InstanceId"`
	InstanceName       string `json:"InstanceName"`
	HostName           string `json:"HostName"`
	InstanceType       string `json:"InstanceType"`
	RegionID           string `json:"RegionId"`
	ZoneID             string `json:"ZoneId"`
	Status             string `json:"Status"`
	InstanceChargeType string `json:"InstanceChargeType"`
	ExpiredTime        string `json:"ExpiredTime"`
	OSType             string `json:"OSType"`
	Tags               struct {
		Tag []tagItem `json:"Tag"`
	} `json:"Tags"`
	OperationLocks struct {
		LockReason []lockItem `json:"LockReason"`
	} `json:"OperationLocks"`
}

// instancesBody is the DescribeInstances answer.
type instancesBody struct {
	RequestID  string `json:"RequestId"`
	NextToken  string `json:"NextToken"`
	MaxResults int    `json:"MaxResults"`
	// TotalCount is not meaningful when paging with NextToken; like the
	// real API, the simulator still sends one.
	TotalCount int `json:"TotalCount"`
	Instances  struct {
		Instance []instanceItem `json:"Instance"`
	} `json:"Instances"`
}

// describeInstances answers one NextToken page of a region's instances
// (zone-filtered when ZoneId is given). MaxResults runs 1..100 and, as in
// the real API, a value below 10 counts as 10. NextToken is opaque to
// clients; an empty one in the response means the listing is done.
func describeInstances(c actionCall) ([]byte, *apiError) {
	p, err := tokenParams(c.params, maxMaxResults)
	if err != nil {
		return nil, err
	}
	region, offset, size := p.region, p.offset, p.size
	zone := c.params.Get("ZoneId")
	if err := c.fleet.checkScope(region, zone); err != nil {
		return nil, err
	}
	total, insts := c.fleet.slice(region, zone, offset, size)
	var body instancesBody
	body.RequestID, body.MaxResults, body.TotalCount = c.requestID, size, total
	body.Instances.Instance = make([]instanceItem, 0, len(insts))
	for _, in := range insts {
		body.Instances.Instance = append(body.Instances.Instance, newInstanceItem(region, in))
	}
	if offset+len(insts) < total {
		body.NextToken = nextTokenPrefix + strconv.Itoa(offset+len(insts))
	}
	return mustJSON(body), nil
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

// newInstanceItem describes in as DescribeInstances does, its tags sorted
// by key. ExpiredTime (yyyy-MM-ddTHH:mmZ) is real only for a PrePaid
// instance that has one, else the API's far-future placeholder.
func newInstanceItem(region string, in Instance) instanceItem {
	item := instanceItem{
		InstanceID: in.ID, InstanceName: in.Name, HostName: in.Name, InstanceType: in.Type,
		RegionID: region, ZoneID: in.Zone, Status: in.Status,
		InstanceChargeType: in.chargeType(), ExpiredTime: expiredTimePlaceholder, OSType: "linux",
	}
	if item.InstanceChargeType == ChargePrePaid && !in.ExpiredTime.IsZero() {
		item.ExpiredTime = in.ExpiredTime.UTC().Format("2006-01-02T15:04Z")
	}
	item.Tags.Tag = []tagItem{}
	for _, k := range slices.Sorted(maps.Keys(in.Tags)) {
		item.Tags.Tag = append(item.Tags.Tag, tagItem{TagKey: k, TagValue: in.Tags[k]})
	}
	item.OperationLocks.LockReason = []lockItem{}
	for _, l := range in.Locks {
		item.OperationLocks.LockReason = append(item.OperationLocks.LockReason, lockItem{LockReason: l})
	}
	return item
}
