package simulator

// maxPageSize is DescribeInstanceStatus's largest page.
const maxPageSize = 50

// statusItem is one entry of a DescribeInstanceStatus page.
type statusItem struct {
	InstanceID string `json:"InstanceId"`
	Status     string `json:"Status"`
}

// statusSet is how the answer nests a page's statusItems.
type statusSet struct {
	InstanceStatus []statusItem `json:"InstanceStatus"`
}

// newStatusItem describes p as DescribeInstanceStatus does.
func newStatusItem(p *Instance) statusItem {
	return statusItem{InstanceID: p.ID, Status: p.Status}
}

// instanceStatusesBody is the DescribeInstanceStatus answer.
type instanceStatusesBody struct {
	pageHeader
	InstanceStatuses statusSet `json:"InstanceStatuses"`
}

// describeInstanceStatus answers one page (PageNumber, PageSize) of a
// region's instance statuses, filtered by ZoneId and InstanceId.N when
// given.
func describeInstanceStatus(c actionCall, q listQuery) any {
	if c.onRequest != nil {
		c.onRequest(q.region, q.number)
	}
	total, items := c.fleet.page(q)
	return instanceStatusesBody{pageHeader: c.pageHeader(q, total), InstanceStatuses: statusSet{items}}
}
