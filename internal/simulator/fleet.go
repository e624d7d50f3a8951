package simulator

import (
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
)

// fleet is every region's instances behind one lock: the actions take the
// read lock to copy out a page; the mutators and churn take the write
// lock. Nothing outside fleet touches its regions.
type fleet struct {
	mu      sync.RWMutex
	regions map[string]*regionFleet
}

// newFleet copies cfg's regions, zones and events, sorting each region by
// ID. Later duplicates of an ID within a region are dropped, and so are
// later events with an ID already seen.
func newFleet(regions map[string][]Instance, zones map[string][]string, events map[string][]Event) *fleet {
	f := &fleet{regions: make(map[string]*regionFleet, len(regions))}
	for name, list := range regions {
		sorted := slices.Clone(list)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
		rf := newRegionFleet()
		for _, in := range sorted {
			if _, dup := rf.byID[in.ID]; dup {
				continue
			}
			rf.add(in.clone(), false)
		}
		f.regions[name] = rf
	}
	for name, zs := range zones {
		rf, ok := f.regions[name]
		if !ok {
			continue // zones alone do not make a region
		}
		for _, z := range zs {
			rf.zones[z] = struct{}{}
		}
	}
	for name, list := range events {
		rf, ok := f.regions[name]
		if !ok {
			continue // nor do events
		}
		for _, e := range list {
			if !slices.ContainsFunc(rf.events, func(old Event) bool { return old.ID == e.ID }) {
				rf.events = append(rf.events, e)
			}
		}
	}
	return f
}

// hasRegion reports whether the account has region.
func (f *fleet) hasRegion(region string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	_, ok := f.regions[region]
	return ok
}

// regionNames returns the regions, sorted.
func (f *fleet) regionNames() []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return slices.Sorted(maps.Keys(f.regions))
}

// checkScope reports the API error for a region or zone the account lacks.
func (f *fleet) checkScope(region, zone string) *apiError {
	f.mu.RLock()
	defer f.mu.RUnlock()
	rf, ok := f.regions[region]
	if !ok {
		return errorf(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
	}
	if zone == "" {
		return nil
	}
	if _, ok := rf.zones[zone]; !ok {
		return errorf(404, "InvalidZoneId.NotFound", "The ZoneId provided does not exist in our records.")
	}
	return nil
}

// readRegion runs read with region's instances under the read lock; it
// does not run read for an unknown region.
func (f *fleet) readRegion(region string, read func(rf *regionFleet)) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if rf, ok := f.regions[region]; ok {
		read(rf)
	}
}

// page describes one DescribeInstanceStatus page and counts the whole
// (filtered) listing. The region must exist; an unknown one yields an
// empty page.
func (f *fleet) page(q listQuery) (total int, items []statusItem) {
	f.readRegion(q.region, func(rf *regionFleet) {
		list := rf.selection(q, nil)
		total, items = len(list), itemsOf(pageOf(list, q.number, q.size), newStatusItem)
	})
	return total, items
}

// instancePage describes up to q.size instances of the region's listing
// (zone-filtered when q.zone is set) from q.offset on, as DescribeInstances
// does, and counts the whole listing.
func (f *fleet) instancePage(q listQuery) (total int, items []instanceItem) {
	f.readRegion(q.region, func(rf *regionFleet) {
		list := rf.listing(q.zone)
		total, items = len(list), itemsOf(windowAt(list, q.offset, q.size), func(in *Instance) instanceItem {
			return newInstanceItem(q.region, in)
		})
	})
	return total, items
}

// instances copies out a region's whole listing; nil for an unknown region.
func (f *fleet) instances(region string) (out []Instance) {
	f.readRegion(region, func(rf *regionFleet) {
		out = itemsOf(rf.order, func(p *Instance) Instance { return *p.clone() })
	})
	return out
}

// lookup finds an instance and its region; nil when either is unknown.
// f.mu must be held.
func (f *fleet) lookup(region, instanceID string) (*regionFleet, *Instance) {
	rf, ok := f.regions[region]
	if !ok {
		return nil, nil
	}
	return rf, rf.byID[instanceID]
}

// withInstance runs change on one instance under the lock and reports
// whether the instance exists.
func (f *fleet) withInstance(region, instanceID string, change func(*regionFleet, *Instance)) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	rf, p := f.lookup(region, instanceID)
	if p == nil {
		return false
	}
	change(rf, p)
	return true
}

// setStatus changes one instance's status and reports whether it exists.
func (f *fleet) setStatus(region, instanceID, status string) bool {
	return f.withInstance(region, instanceID, func(_ *regionFleet, p *Instance) { p.Status = status })
}

// insert adds a copy of inst to region, creating the region when new.
func (f *fleet) insert(region string, inst Instance, atHead bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rf, ok := f.regions[region]
	if !ok {
		rf = newRegionFleet()
		f.regions[region] = rf
	}
	rf.add(inst.clone(), atHead)
}

// remove deletes an instance and reports whether it existed.
func (f *fleet) remove(region, instanceID string) bool {
	return f.withInstance(region, instanceID, (*regionFleet).remove)
}

// churn moves 1–5 instances (about 1% of the fleet), drawn from rng, one
// step along their life cycle (churnNext; an unknown status goes to
// Running).
func (f *fleet) churn(rng *rand.Rand) {
	f.mu.Lock()
	defer f.mu.Unlock()
	names := slices.Sorted(maps.Keys(f.regions))
	total := 0
	for _, name := range names {
		total += len(f.regions[name].order)
	}
	if total == 0 {
		return
	}
	for range min(max(total/100, 1), 5) {
		p := f.nth(names, rng.IntN(total))
		next, ok := churnNext[p.Status]
		if !ok {
			next = StatusRunning
		}
		p.Status = next
	}
}

// nth is the idx-th instance, counting through the regions in the order
// of names. f.mu must be held.
func (f *fleet) nth(names []string, idx int) *Instance {
	for _, name := range names {
		order := f.regions[name].order
		if idx < len(order) {
			return order[idx]
		}
		idx -= len(order)
	}
	panic("simulator: churn index out of range") // cannot happen: idx < total
}
