package simulator

import (
	"maps"
	"slices"
)

// expiredTimePlaceholder is the ExpiredTime the API shows for pay-as-you-go
// instances.
const expiredTimePlaceholder = "2099-12-31T15:59Z"

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

// instanceSet is how the answer nests a page's instanceItems.
type instanceSet struct {
	Instance []instanceItem `json:"Instance"`
}

// instancesBody is the DescribeInstances answer.
type instancesBody struct {
	tokenHeader
	MaxResults int `json:"MaxResults"`
	// TotalCount is not meaningful when paging with NextToken; like the
	// real API, the simulator still sends one.
	TotalCount int         `json:"TotalCount"`
	Instances  instanceSet `json:"Instances"`
}

// describeInstances answers one NextToken page of a region's instances
// (zone-filtered when ZoneId is given). MaxResults runs 1..100 and, as in
// the real API, a value below 10 counts as 10. NextToken is opaque to
// clients; an empty one in the response means the listing is done.
func describeInstances(c actionCall, q listQuery) any {
	total, items := c.fleet.instancePage(q)
	return instancesBody{
		tokenHeader: c.tokenHeader(q, len(items), total),
		MaxResults:  q.size,
		TotalCount:  total,
		Instances:   instanceSet{items},
	}
}

// newInstanceItem describes in as DescribeInstances does, its tags sorted
// by key. ExpiredTime (yyyy-MM-ddTHH:mmZ) is real only for a PrePaid
// instance that has one, else the API's far-future placeholder.
func newInstanceItem(region string, in *Instance) instanceItem {
	item := instanceItem{
		InstanceID: in.ID, InstanceName: in.Name, HostName: in.Name, InstanceType: in.Type,
		RegionID: region, ZoneID: in.Zone, Status: in.Status,
		InstanceChargeType: in.chargeType(), ExpiredTime: expiredTimePlaceholder, OSType: "linux",
	}
	if item.InstanceChargeType == ChargePrePaid && !in.ExpiredTime.IsZero() {
		item.ExpiredTime = in.ExpiredTime.UTC().Format("2006-01-02T15:04Z")
	}
	item.Tags.Tag = itemsOf(slices.Sorted(maps.Keys(in.Tags)), func(k string) tagItem {
		return tagItem{TagKey: k, TagValue: in.Tags[k]}
	})
	item.OperationLocks.LockReason = itemsOf(in.Locks, func(l string) lockItem { return lockItem{LockReason: l} })
	return item
}
