package simulator

// regionItem is one entry of the DescribeRegions answer.
type regionItem struct {
	RegionID       string `json:"RegionId"`
	LocalName      string `json:"LocalName"`
	RegionEndpoint string `json:"RegionEndpoint"`
	Status         string `json:"Status"`
}

// regionsBody is the DescribeRegions answer.
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
func describeRegions(c actionCall) ([]byte, *apiError) {
	var body regionsBody
	body.RequestID = c.requestID
	body.Regions.Region = []regionItem{}
	for _, name := range c.fleet.regionNames() {
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
	return mustJSON(body), nil
}
