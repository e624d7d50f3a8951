package simulator

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 10
	maxPageSize     = 50
	maxInstanceIDs  = 100
)

type instanceStatusesBody struct {
	RequestID        string `json:"RequestId"`
	TotalCount       int    `json:"TotalCount"`
	PageNumber       int    `json:"PageNumber"`
	PageSize         int    `json:"PageSize"`
	InstanceStatuses struct {
		InstanceStatus []statusItem `json:"InstanceStatus"`
	} `json:"InstanceStatuses"`
}

// describeInstanceStatus answers one page of a region's instance statuses.
func (s *Server) describeInstanceStatus(requestID string, params url.Values) ([]byte, *apiError) {
	region := params.Get("RegionId")
	if region == "" {
		return nil, errorf(400, "MissingRegionId", "RegionId is mandatory for this action.")
	}
	q := pageQuery{region: region, zone: params.Get("ZoneId")}
	var err *apiError
	if q.number, err = intParam(params, "PageNumber", 1, 1, 0); err != nil {
		return nil, err
	}
	if q.size, err = intParam(params, "PageSize", defaultPageSize, 1, maxPageSize); err != nil {
		return nil, err
	}
	if q.ids, err = instanceIDs(params); err != nil {
		return nil, err
	}
	if err := s.fleet.checkScope(region, q.zone); err != nil {
		return nil, err
	}
	if s.onRequest != nil {
		s.onRequest(region, q.number)
	}
	var body instanceStatusesBody
	body.RequestID = requestID
	body.PageNumber, body.PageSize = q.number, q.size
	body.TotalCount, body.InstanceStatuses.InstanceStatus = s.fleet.page(q)
	return mustJSON(body), nil
}

// intParam parses an optional integer parameter that must lie in
// [lo, hi] (hi 0: no upper bound).
func intParam(params url.Values, name string, def, lo, hi int) (int, *apiError) {
	v := params.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || (hi > 0 && n > hi) {
		if hi > 0 {
			return 0, errorf(400, "InvalidParameter",
				"The specified parameter %q is not valid: %q must be an integer from %d to %d.", name, v, lo, hi)
		}
		return 0, errorf(400, "InvalidParameter",
			"The specified parameter %q is not valid: %q must be an integer of at least %d.", name, v, lo)
	}
	return n, nil
}

// instanceIDs collects InstanceId.1, InstanceId.2, … up to the first gap.
func instanceIDs(params url.Values) ([]string, *apiError) {
	var ids []string
	for i := 1; ; i++ {
		id := params.Get("InstanceId." + strconv.Itoa(i))
		if id == "" {
			break
		}
		if i > maxInstanceIDs {
			return nil, errorf(403, "InvalidParameter.TooManyInstanceIds",
				"The number of InstanceId.N values exceeds %d.", maxInstanceIDs)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

type regionItem struct {
	RegionID       string `json:"RegionId"`
	LocalName      string `json:"LocalName"`
	RegionEndpoint string `json:"RegionEndpoint"`
	Status         string `json:"Status"`
}

type regionsBody struct {
	RequestID string `json:"RequestId"`
	Regions   struct {
		Region []regionItem `json:"Region"`
	} `json:"Regions"`
}

// localNames are the console names of regions the demo and tests use.
var localNames = map[string]string{
	"cn-hangzhou":    "华东1（杭州）",
	"cn-shanghai":    "华东2（上海）",
	"cn-beijing":     "华北2（北京）",
	"cn-shenzhen":    "华南1（深圳）",
	"cn-hongkong":    "中国香港",
	"ap-southeast-1": "新加坡",
	"eu-central-1":   "德国（法兰克福）",
	"us-west-1":      "美国（硅谷）",
	"us-east-1":      "美国（弗吉尼亚）",
}

// describeRegions lists every region of the account, sorted.
func (s *Server) describeRegions(requestID string) []byte {
	var body regionsBody
	body.RequestID = requestID
	body.Regions.Region = []regionItem{}
	for _, name := range s.fleet.regionNames() {
		local, ok := localNames[name]
		if !ok {
			local = name
		}
		body.Regions.Region = append(body.Regions.Region, regionItem{
			RegionID:       name,
			LocalName:      local,
			RegionEndpoint: "ecs." + name + ".aliyuncs.com",
			Status:         "available",
		})
	}
	return mustJSON(body)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // cannot happen: strings and ints only
		panic(err)
	}
	return b
}

const (
	defaultMaxResults = 10
	maxMaxResults     = 100
	nextTokenPrefix   = "sim-next-"
)

type tagItem struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

type instanceItem struct {
	InstanceID         string `json:"InstanceId"`
	InstanceName       string `json:"InstanceName"`
	HostName           string `json:"HostName"`
	InstanceType       string `json:"InstanceType"`
	RegionID           string `json:"RegionId"`
	ZoneID             string `json:"ZoneId"`
	Status             string `json:"Status"`
	InstanceChargeType string `json:"InstanceChargeType"`
	OSType             string `json:"OSType"`
	Tags               struct {
		Tag []tagItem `json:"Tag"`
	} `json:"Tags"`
}

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
func (s *Server) describeInstances(requestID string, params url.Values) ([]byte, *apiError) {
	region := params.Get("RegionId")
	if region == "" {
		return nil, errorf(400, "MissingRegionId", "RegionId is mandatory for this action.")
	}
	size, err := intParam(params, "MaxResults", defaultMaxResults, 1, maxMaxResults)
	if err != nil {
		return nil, err
	}
	size = max(size, defaultMaxResults)
	offset := 0
	if tok := params.Get("NextToken"); tok != "" {
		n, perr := strconv.Atoi(strings.TrimPrefix(tok, nextTokenPrefix))
		if !strings.HasPrefix(tok, nextTokenPrefix) || perr != nil || n < 0 {
			return nil, errorf(400, "InvalidParameter", "The specified parameter \"NextToken\" is not valid.")
		}
		offset = n
	}
	zone := params.Get("ZoneId")
	if err := s.fleet.checkScope(region, zone); err != nil {
		return nil, err
	}
	total, insts := s.fleet.slice(region, zone, offset, size)
	var body instancesBody
	body.RequestID, body.MaxResults, body.TotalCount = requestID, size, total
	body.Instances.Instance = make([]instanceItem, 0, len(insts))
	for _, in := range insts {
		item := instanceItem{
			InstanceID: in.ID, InstanceName: in.Name, HostName: in.Name, InstanceType: in.Type,
			RegionID: region, ZoneID: in.Zone, Status: in.Status,
			InstanceChargeType: "PostPaid", OSType: "linux",
		}
		item.Tags.Tag = []tagItem{}
		for _, k := range slices.Sorted(maps.Keys(in.Tags)) {
			item.Tags.Tag = append(item.Tags.Tag, tagItem{TagKey: k, TagValue: in.Tags[k]})
		}
		body.Instances.Instance = append(body.Instances.Instance, item)
	}
	if offset+len(insts) < total {
		body.NextToken = nextTokenPrefix + strconv.Itoa(offset+len(insts))
	}
	return mustJSON(body), nil
}
