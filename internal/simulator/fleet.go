package simulator

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
)

// Instance is one ECS instance in the simulated fleet. Name, Type and Tags
// are only reported by DescribeInstances.
type Instance struct {
	ID, Zone, Status string
	Name, Type       string
	Tags             map[string]string
}

// Instance statuses the ECS API reports.
const (
	StatusPending  = "Pending"
	StatusStarting = "Starting"
	StatusRunning  = "Running"
	StatusStopping = "Stopping"
	StatusStopped  = "Stopped"
)

// instance is the simulator's own copy of an Instance; pointers to it are
// shared by a region's listing order, its zone listings and its ID index.
type instance struct {
	id, zone, status string
	name, typ        string
	tags             map[string]string
}

func newInstance(in Instance) *instance {
	return &instance{id: in.ID, zone: in.Zone, status: in.Status, name: in.Name, typ: in.Type, tags: maps.Clone(in.Tags)}
}

func (p *instance) export() Instance {
	return Instance{ID: p.id, Zone: p.zone, Status: p.status, Name: p.name, Type: p.typ, Tags: maps.Clone(p.tags)}
}

// regionFleet is one region's instances. Its listing order is the order
// DescribeInstanceStatus pages through; each zone listing keeps the same
// relative order, so a zone-filtered page is a plain slice too.
type regionFleet struct {
	order  []*instance
	byZone map[string][]*instance
	byID   map[string]*instance
	zones  map[string]struct{} // valid ZoneIds: every zone ever used, plus Config.Zones
}

func newRegionFleet() *regionFleet {
	return &regionFleet{
		byZone: map[string][]*instance{},
		byID:   map[string]*instance{},
		zones:  map[string]struct{}{},
	}
}

func (rf *regionFleet) add(p *instance, atHead bool) {
	if old, ok := rf.byID[p.id]; ok {
		rf.remove(old)
	}
	rf.byID[p.id] = p
	rf.zones[p.zone] = struct{}{}
	if atHead {
		rf.order = slices.Insert(rf.order, 0, p)
		rf.byZone[p.zone] = slices.Insert(rf.byZone[p.zone], 0, p)
		return
	}
	rf.order = append(rf.order, p)
	rf.byZone[p.zone] = append(rf.byZone[p.zone], p)
}

func (rf *regionFleet) remove(p *instance) {
	delete(rf.byID, p.id)
	rf.order = removePtr(rf.order, p)
	rf.byZone[p.zone] = removePtr(rf.byZone[p.zone], p)
}

func removePtr(s []*instance, p *instance) []*instance {
	i := slices.Index(s, p)
	if i < 0 {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// fleet is every region's instances behind one lock: requests take the read
// lock to copy out a page; the mutators take the write lock.
type fleet struct {
	mu      sync.RWMutex
	regions map[string]*regionFleet
}

// newFleet copies cfg's regions and zones, sorting each region by ID. Later
// duplicates of an ID within a region are dropped.
func newFleet(regions map[string][]Instance, zones map[string][]string) *fleet {
	f := &fleet{regions: make(map[string]*regionFleet, len(regions))}
	for name, list := range regions {
		sorted := slices.Clone(list)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
		rf := newRegionFleet()
		for _, in := range sorted {
			if _, dup := rf.byID[in.ID]; dup {
				continue
			}
			rf.add(newInstance(in), false)
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
	return f
}

func (f *fleet) hasRegion(region string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	_, ok := f.regions[region]
	return ok
}

// regionNames returns the regions, sorted.
func (f *fleet) regionNames() []string {
	f.mu.RLock()
	names := make([]string, 0, len(f.regions))
	for name := range f.regions {
		names = append(names, name)
	}
	f.mu.RUnlock()
	sort.Strings(names)
	return names
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

// statusItem is one entry of a DescribeInstanceStatus page.
type statusItem struct {
	InstanceID string `json:"InstanceId"`
	Status     string `json:"Status"`
}

// pageQuery selects one page of a region's listing.
type pageQuery struct {
	region, zone string
	ids          []string // when set, only these instances, in this order
	number, size int      // number >= 1, size >= 1
}

// page copies out one page and the size of the whole (filtered) listing.
// The region must exist; an unknown one yields an empty page.
func (f *fleet) page(q pageQuery) (total int, items []statusItem) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	rf, ok := f.regions[q.region]
	if !ok {
		return 0, nil
	}
	list := rf.order
	if q.zone != "" {
		list = rf.byZone[q.zone]
	}
	if q.ids != nil {
		list = rf.pick(q.ids, q.zone)
	}
	total = len(list)
	if (q.number - 1) >= (total+q.size-1)/q.size { // past the end; also guards overflow
		return total, []statusItem{}
	}
	start := (q.number - 1) * q.size
	end := min(start+q.size, total)
	items = make([]statusItem, 0, end-start)
	for _, p := range list[start:end] {
		items = append(items, statusItem{InstanceID: p.id, Status: p.status})
	}
	return total, items
}

// slice copies out up to size instances of a region's listing (zone-filtered
// when zone is set) from offset on, and the size of the whole listing.
func (f *fleet) slice(region, zone string, offset, size int) (total int, out []Instance) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	rf, ok := f.regions[region]
	if !ok {
		return 0, nil
	}
	list := rf.order
	if zone != "" {
		list = rf.byZone[zone]
	}
	if offset >= len(list) {
		return len(list), nil
	}
	for _, p := range list[offset:min(offset+size, len(list))] {
		out = append(out, p.export())
	}
	return len(list), out
}

// pick returns the named instances that exist (and are in zone, when
// given), in the order named, without repeats.
func (rf *regionFleet) pick(ids []string, zone string) []*instance {
	out := make([]*instance, 0, len(ids))
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		p, ok := rf.byID[id]
		if !ok || (zone != "" && p.zone != zone) {
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

// SetStatus changes one instance's status. It reports whether the instance
// was found.
func (s *Server) SetStatus(region, instanceID, status string) bool {
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	_, p := s.fleet.lookup(region, instanceID)
	if p == nil {
		return false
	}
	p.status = status
	return true
}

// lookup finds an instance and its region; nil when either is unknown.
// f.mu must be held.
func (f *fleet) lookup(region, instanceID string) (*regionFleet, *instance) {
	rf, ok := f.regions[region]
	if !ok {
		return nil, nil
	}
	return rf, rf.byID[instanceID]
}

// Insert adds an instance at the head (atHead) or the tail of the region's
// listing order, so a sweep already under way sees the listing shift. An
// instance with the same ID is replaced. A region not yet known is created,
// and from then on is a valid RegionId.
func (s *Server) Insert(region string, inst Instance, atHead bool) {
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	rf, ok := s.fleet.regions[region]
	if !ok {
		rf = newRegionFleet()
		s.fleet.regions[region] = rf
	}
	rf.add(newInstance(inst), atHead)
}

// Remove deletes an instance from the region's listing. It reports whether
// the instance was found. Its zone stays a valid ZoneId.
func (s *Server) Remove(region, instanceID string) bool {
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	rf, p := s.fleet.lookup(region, instanceID)
	if p == nil {
		return false
	}
	rf.remove(p)
	return true
}

// Instances returns a copy of the region's instances in listing order: the
// ground truth a test compares an exporter's output with. An unknown region
// yields nil.
func (s *Server) Instances(region string) []Instance {
	s.fleet.mu.RLock()
	defer s.fleet.mu.RUnlock()
	rf, ok := s.fleet.regions[region]
	if !ok {
		return nil
	}
	out := make([]Instance, len(rf.order))
	for i, p := range rf.order {
		out[i] = p.export()
	}
	return out
}

// GenerateFleet builds a deterministic fleet of n instances in region. IDs
// are "i-" + 8 hex digits of the region's hash + a 10-digit sequence number,
// so they are stable for (region, i) and sort in sequence order. Zones are
// "<region>-a", "-b" and "-c" round-robin. About 80% of the instances are
// Running, 17% Stopped and 3% Pending, Starting or Stopping, drawn from seed.
// Names are "<role>-<n>", types cycle through a few instance types, and
// every instance has "team" and "env" tags.
func GenerateFleet(region string, n int, seed int64) []Instance {
	if n <= 0 {
		return []Instance{}
	}
	h := regionHash(region)
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(h)))
	transitional := [...]string{StatusPending, StatusStarting, StatusStopping}
	out := make([]Instance, n)
	for i := range out {
		status := StatusRunning
		switch x := rng.IntN(100); {
		case x >= 97:
			status = transitional[rng.IntN(len(transitional))]
		case x >= 80:
			status = StatusStopped
		}
		role := roles[i%len(roles)]
		out[i] = Instance{
			ID:     fmt.Sprintf("i-%08x%010d", h, i),
			Zone:   region + "-" + string(rune('a'+i%3)),
			Status: status,
			Name:   fmt.Sprintf("%s-%d", role.name, i),
			Type:   instanceTypes[i%len(instanceTypes)],
			Tags:   map[string]string{"team": role.team, "env": envs[i%len(envs)]},
		}
	}
	return out
}

var (
	roles = []struct{ name, team string }{
		{"checkout-db", "payments"}, {"web", "storefront"}, {"search", "discovery"}, {"batch", "data"},
	}
	instanceTypes = []string{"ecs.g7.large", "ecs.c7.xlarge", "ecs.r7.2xlarge", "ecs.t6-c1m1.large"}
	envs          = []string{"prod", "prod", "staging"}
)

func regionHash(region string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(region))
	return h.Sum32()
}
