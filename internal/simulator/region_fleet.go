package simulator

import "slices"

// regionFleet is one region's instances. Its listing order is the order
// DescribeInstanceStatus pages through; each zone listing keeps the same
// relative order, so a zone-filtered page is a plain slice too. The
// listings share pointers to the simulator's own copies of the instances.
// events are the region's system events, in listing order.
//
// A regionFleet has no lock of its own: only fleet uses it, under fleet's
// lock.
type regionFleet struct {
	order  []*Instance
	byZone map[string][]*Instance
	byID   map[string]*Instance
	zones  map[string]struct{} // valid ZoneIds: every zone ever used, plus Config.Zones
	events []Event
}

func newRegionFleet() *regionFleet {
	return &regionFleet{
		byZone: map[string][]*Instance{},
		byID:   map[string]*Instance{},
		zones:  map[string]struct{}{},
	}
}

// add puts p first (atHead) or last in the listings, replacing an instance
// with the same ID.
func (rf *regionFleet) add(p *Instance, atHead bool) {
	if old, ok := rf.byID[p.ID]; ok {
		rf.remove(old)
	}
	rf.byID[p.ID] = p
	rf.zones[p.Zone] = struct{}{}
	if atHead {
		rf.order = slices.Insert(rf.order, 0, p)
		rf.byZone[p.Zone] = slices.Insert(rf.byZone[p.Zone], 0, p)
		return
	}
	rf.order = append(rf.order, p)
	rf.byZone[p.Zone] = append(rf.byZone[p.Zone], p)
}

// remove takes p out of the listings; its zone stays valid.
func (rf *regionFleet) remove(p *Instance) {
	delete(rf.byID, p.ID)
	rf.order = removePtr(rf.order, p)
	rf.byZone[p.Zone] = removePtr(rf.byZone[p.Zone], p)
}

func removePtr(s []*Instance, p *Instance) []*Instance {
	i := slices.Index(s, p)
	if i < 0 {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// listing is the region's listing order, or the zone's when zone is set.
func (rf *regionFleet) listing(zone string) []*Instance {
	if zone != "" {
		return rf.byZone[zone]
	}
	return rf.order
}

// pick returns the named instances that exist (and are in zone, when
// given), in the order named, without repeats.
func (rf *regionFleet) pick(ids []string, zone string) []*Instance {
	out := make([]*Instance, 0, len(ids))
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		p, ok := rf.byID[id]
		if !ok || (zone != "" && p.Zone != zone) {
			continue
		}
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		out = append(out, p)
	}
	return out
}

// selection is the part of the listing q asks for: the instances q.ids
// names, in that order, or else the listing; in q.zone when that is set;
// and only those keep keeps when keep is set.
func (rf *regionFleet) selection(q listQuery, keep func(*Instance) bool) []*Instance {
	list := rf.listing(q.zone)
	if q.ids != nil {
		list = rf.pick(q.ids, q.zone)
	}
	if keep == nil {
		return list
	}
	var kept []*Instance
	for _, p := range list {
		if keep(p) {
			kept = append(kept, p)
		}
	}
	return kept
}

// pendingEvents are the region's pending events by instance ID.
func (rf *regionFleet) pendingEvents() map[string][]Event {
	pending := map[string][]Event{}
	for _, e := range rf.events {
		if e.pending() {
			pending[e.InstanceID] = append(pending[e.InstanceID], e)
		}
	}
	return pending
}

// putEvent replaces the event with e's ID, or appends e.
func (rf *regionFleet) putEvent(e Event) {
	if i := slices.IndexFunc(rf.events, func(old Event) bool { return old.ID == e.ID }); i >= 0 {
		rf.events[i] = e
		return
	}
	rf.events = append(rf.events, e)
}
