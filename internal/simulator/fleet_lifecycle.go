package simulator

// The fleet's health and system events: what DescribeInstancesFullStatus
// and DescribeInstanceHistoryEvents read, and the Server methods that
// change them at run time. Like the rest of fleet, under fleet's lock.

// setHealth changes one instance's health and reports whether it exists.
func (f *fleet) setHealth(region, instanceID, health string) bool {
	return f.withInstance(region, instanceID, func(_ *regionFleet, p *Instance) { p.Health = health })
}

// putEvent adds e to region's events, or replaces the event with e's ID.
// It reports whether the region exists.
func (f *fleet) putEvent(region string, e Event) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	rf, ok := f.regions[region]
	if !ok {
		return false
	}
	rf.putEvent(e)
	return true
}

// fullStatusQuery selects one page of DescribeInstancesFullStatus.
type fullStatusQuery struct {
	listQuery
	status, health string // when set, only instances with this status or health
}

// fullStatusPage copies out one page of a region's full statuses, each
// with its instance's pending events, and the size of the whole
// (filtered) listing. An unknown region yields an empty page.
func (f *fleet) fullStatusPage(q fullStatusQuery) (total int, items []fullStatusItem) {
	f.readRegion(q.region, func(rf *regionFleet) {
		list := rf.selection(q.listQuery, q.keep())
		pending := rf.pendingEvents()
		total, items = len(list), itemsOf(pageOf(list, q.number, q.size), func(p *Instance) fullStatusItem {
			return newFullStatusItem(p, pending[p.ID])
		})
	})
	return total, items
}

// keep is the Status and HealthStatus filter; nil when neither is set.
func (q fullStatusQuery) keep() func(*Instance) bool {
	if q.status == "" && q.health == "" {
		return nil
	}
	return func(p *Instance) bool {
		return (q.status == "" || p.Status == q.status) && (q.health == "" || p.health() == q.health)
	}
}

// events copies out the region's events that match, in listing order;
// nil for an unknown region.
func (f *fleet) events(region string, match eventFilter) (out []Event) {
	f.readRegion(region, func(rf *regionFleet) {
		for _, e := range rf.events {
			if match.match(e) {
				out = append(out, e)
			}
		}
	})
	return out
}
