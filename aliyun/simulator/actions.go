package simulator

import (
	"encoding/json"
	"net/url"
	"strconv"
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
