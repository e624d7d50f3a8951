package aliyun

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	json "github.com/go-json-experiment/json"
)

// API actions besides DescribeInstanceStatus.
const (
	ActionDescribeInstances = "DescribeInstances"
	ActionDescribeRegions   = "DescribeRegions"
)

// maxResults is DescribeInstances' largest page.
const maxResults = 100

// maxInfoPages bounds one DescribeInstances listing (maxInstances at 100 a
// page): a NextToken that never ends is a broken API, not a fleet.
const maxInfoPages = maxInstances / maxResults

// InstanceInfo is what DescribeInstances says about an instance that is
// useful to put next to its status.
type InstanceInfo struct {
	ID, Zone, Name, Type, ChargeType, OSType string
	Tags                                     map[string]string
	// Expires is ExpiredTime for a subscription (ChargeType "PrePaid");
	// zero for pay-as-you-go, whose ExpiredTime is a far-future placeholder.
	Expires time.Time
	// Locks are the OperationLocks' LockReason values, e.g. "financial".
	Locks []string
}

// InstanceInfos lists every instance of region with its name, type, zone,
// tags, charge type, expiry and locks (restricted to zones when not
// empty), paging DescribeInstances with NextToken and MaxResults=100.
// NextToken pages can only be read one after another.
func (c *Client) InstanceInfos(ctx context.Context, region string, zones []string) ([]InstanceInfo, error) {
	rc, err := c.region(region)
	if err != nil {
		return nil, err
	}
	if len(zones) == 0 {
		zones = []string{""}
	}
	var pages [][]InstanceInfo
	for _, zone := range zones {
		zonePages, err := infoListing(region, zone).pages(ctx, c, rc)
		if err != nil {
			return nil, err
		}
		pages = append(pages, zonePages...)
	}
	return dedupeBy(pages, func(in InstanceInfo) string { return in.ID }), nil
}

// infoListing is the DescribeInstances listing of a region (or of one of
// its zones). A NextToken handed back again is read on, up to
// maxInfoPages.
func infoListing(region, zone string) tokenListing[InstanceInfo] {
	l := tokenListing[InstanceInfo]{action: ActionDescribeInstances, region: region, decode: decodeInstancesPage, maxPages: maxInfoPages}
	if zone != "" {
		l.extra = map[string]*string{"ZoneId": dara.String(zone)}
	}
	return l
}

// decodeInstancesPage decodes one DescribeInstances page, skipping items
// with no InstanceId.
func decodeInstancesPage(r io.Reader) ([]InstanceInfo, string, error) {
	return decodeTokenPage(r, func(s *instancesSet) []instanceItem { return s.Instances.Instance }, instanceItem.plain)
}

// instanceItem is one Instance item as the API sends it, with the fields
// InstanceInfo keeps.
type instanceItem struct {
	InstanceID         string `json:"InstanceId"`
	InstanceName       string `json:"InstanceName"`
	InstanceType       string `json:"InstanceType"`
	ZoneID             string `json:"ZoneId"`
	InstanceChargeType string `json:"InstanceChargeType"`
	ExpiredTime        string `json:"ExpiredTime"`
	OSType             string `json:"OSType"`
	Tags               struct {
		Tag []struct {
			TagKey   string `json:"TagKey"`
			TagValue string `json:"TagValue"`
		} `json:"Tag"`
	} `json:"Tags"`
	OperationLocks struct {
		LockReason []struct {
			LockReason string `json:"LockReason"`
		} `json:"LockReason"`
	} `json:"OperationLocks"`
}

// plain is the item as an InstanceInfo, kept when it has an ID. Expires is
// read only for PrePaid instances (see parseExpiry); Locks are the
// non-empty OperationLocks reasons.
func (w instanceItem) plain() (InstanceInfo, bool) {
	if w.InstanceID == "" {
		return InstanceInfo{}, false
	}
	info := InstanceInfo{
		ID: w.InstanceID, Zone: w.ZoneID, Name: w.InstanceName, Type: w.InstanceType,
		ChargeType: w.InstanceChargeType, OSType: w.OSType,
		Expires: parseExpiry(w.InstanceChargeType, w.ExpiredTime),
	}
	for _, l := range w.OperationLocks.LockReason {
		if l.LockReason != "" {
			info.Locks = append(info.Locks, l.LockReason)
		}
	}
	if len(w.Tags.Tag) > 0 {
		info.Tags = make(map[string]string, len(w.Tags.Tag))
		for _, t := range w.Tags.Tag {
			info.Tags[t.TagKey] = t.TagValue
		}
	}
	return info, true
}

// instancesSet is where a DescribeInstances page holds its items.
type instancesSet struct {
	Instances struct {
		Instance []instanceItem `json:"Instance"`
	} `json:"Instances"`
}

// Regions lists the regions the account can use, with DescribeRegions,
// sorted. bootstrap is the region whose endpoint answers the call.
func (c *Client) Regions(ctx context.Context, bootstrap string) ([]string, error) {
	rc, err := c.region(bootstrap)
	if err != nil {
		return nil, err
	}
	var regions []string
	err = c.call(ctx, rc, apiRequest{action: ActionDescribeRegions, query: map[string]*string{}, decode: func(r io.Reader) error {
		var err error
		regions, err = decodeRegions(r)
		return err
	}})
	if err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		return nil, &Error{Code: CodeDecode, Err: errors.New("DescribeRegions returned no region")}
	}
	slices.Sort(regions)
	return slices.Compact(regions), nil
}

// decodeRegions decodes a DescribeRegions response, skipping empty IDs.
func decodeRegions(r io.Reader) ([]string, error) {
	var p struct {
		Regions struct {
			Region []struct {
				RegionID string `json:"RegionId"`
			} `json:"Region"`
		} `json:"Regions"`
	}
	if err := json.UnmarshalRead(r, &p); err != nil {
		return nil, err
	}
	var regions []string
	for _, reg := range p.Regions.Region {
		if reg.RegionID != "" {
			regions = append(regions, reg.RegionID)
		}
	}
	return regions, nil
}
