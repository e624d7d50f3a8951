package simulator

const (
	defaultPageSize = 10
	maxPageSize     = 50
)

// statusItem is one entry of a DescribeInstanceStatus page.
type statusItem struct {
	InstanceID string `json:"InstanceId"`
	Status     string `json:"Status"`
}

// instanceStatusesBody is the DescribeInstanceStatus answer.
type instanceStatusesBody struct {
	RequestID        string `json:"RequestId"`
	TotalCount       int    `json:"TotalCount"`
	PageNumber       int    `json:"PageNumber"`
	PageSize         int    `json:"PageSize"`
	InstanceStatuses struct {
		InstanceStatus []statusItem `json:"InstanceStatus"`
	} `json:"InstanceStatuses"`
}

// describeInstanceStatus answers one page (PageNumber, PageSize) of a
// region's instance statuses, filtered by ZoneId and InstanceId.N when
// given.
func describeInstanceStatus(c actionCall) ([]byte, *apiError) {
	q, err := pageParams(c.params, maxPageSize)
	if err != nil {
		return nil, err
	}
	q.zone = c.params.Get("ZoneId")
	if err := c.fleet.checkScope(q.region, q.zone); err != nil {
		return nil, err
	}
	if c.onRequest != nil {
		c.onRequest(q.region, q.number)
	}
	var body instanceStatusesBody
	body.RequestID = c.requestID
	body.PageNumber, body.PageSize = q.number, q.size
	body.TotalCount, body.InstanceStatuses.InstanceStatus = c.fleet.page(q)
	return mustJSON(body), nil
}
