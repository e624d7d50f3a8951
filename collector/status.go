package collector

import "time"

// Failure is a failed listing as an operator may be shown it.
type Failure struct {
	// At is when the listing failed.
	At time.Time
	// Code is the error's label-safe code (aliyun.ErrorCode).
	Code string
	// Message is what may be shown of the error (aliyun.ErrorMessage): the
	// API's message, never a secret, a signature or a token.
	Message string
}

// Fetch is one finished listing of a region: a sweep's
// DescribeInstanceStatus pages, or an info refresh's DescribeInstances
// pages.
type Fetch struct {
	Started, Finished time.Time
	// Calls are the API attempts the listing made, retries included;
	// Pages those that succeeded; Throttled those refused with Throttling*.
	Calls, Pages, Throttled int
	// Instances is how many the listing returned; 0 when it failed.
	Instances int
	// Err is nil when the listing was complete.
	Err *Failure
}

// Duration is how long the listing took.
func (f Fetch) Duration() time.Duration { return f.Finished.Sub(f.Started) }

// ListingStatus is what is known of one region's listings of one kind.
type ListingStatus struct {
	// Running is when the listing in flight began; zero when none runs.
	Running time.Time
	// Recent are the last finished listings, newest first (at most 8).
	Recent []Fetch
	// LastSuccess is when a listing was last complete; zero if never.
	LastSuccess time.Time
	// LastError is the last failure, even when a later listing succeeded;
	// nil if none.
	LastError *Failure
	// Instances is the fleet size of the last complete listing, and
	// ByStatus the same by status (nil for info listings).
	Instances int
	ByStatus  map[string]int
}

// Last is the last finished listing; nil before the first.
func (s ListingStatus) Last() *Fetch {
	if len(s.Recent) == 0 {
		return nil
	}
	return &s.Recent[0]
}

// Up says whether the last finished listing was complete.
func (s ListingStatus) Up() bool { return len(s.Recent) > 0 && s.Recent[0].Err == nil }

// RegionStatus is one region of an Exporter as a status page shows it.
type RegionStatus struct {
	Region string
	// Sweep is the region's DescribeInstanceStatus fetches, whose outcome
	// is ecs_up.
	Sweep ListingStatus
	// Serving says whether a scrape gets a fleet for the region: the last
	// fetch's, or (Stale) the last complete one, the last fetch having
	// failed.
	Serving bool
	// Stale says that the fleet served is the last complete one
	// (Sweep.LastSuccess), served again within Options.MaxStaleness after
	// a failed fetch.
	Stale bool
	// Collectors are the region's listings of the optional collectors that
	// are on, in the order health, events, info.
	Collectors []CollectorListing
}

// CollectorListing is one optional collector's listings of a region: the
// health fetches beside each sweep, or a cached collector's background
// listings (events, info).
type CollectorListing struct {
	// Name is the collector's: "health", "events" or "info", as in
	// ecs_collector_up.
	Name string
	ListingStatus
}

// Up says whether the region's last fetch was complete: ecs_up.
func (s RegionStatus) Up() bool { return s.Sweep.Up() }

// DataAge is how old the fleet served is at now; false when none is.
func (s RegionStatus) DataAge(now time.Time) (time.Duration, bool) {
	if !s.Serving {
		return 0, false
	}
	return now.Sub(s.Sweep.LastSuccess), true
}

// Status returns what is known of each region's listings, in the order of
// Regions, for a status page. It calls no API and waits for no listing.
func (e *Exporter) Status() []RegionStatus {
	now := time.Now()
	regions := e.Regions()
	out := make([]RegionStatus, len(regions))
	for i, r := range regions {
		s := RegionStatus{Region: r, Sweep: e.book.listing(r), Collectors: e.collectorStatus(r)}
		// A fetch runs only once the last complete result is older than
		// the CacheTTL, so after a failure only MaxStaleness serves it.
		good := !s.Sweep.LastSuccess.IsZero()
		switch {
		case s.Sweep.Up():
			s.Serving = true
		case good && len(s.Sweep.Recent) > 0 && now.Sub(s.Sweep.LastSuccess) < e.opts.MaxStaleness:
			s.Serving, s.Stale = true, true
		}
		out[i] = s
	}
	return out
}

// collectorStatus is what is known of region's listings by each optional
// collector that is on.
func (e *Exporter) collectorStatus(region string) []CollectorListing {
	var out []CollectorListing
	if e.healthBook != nil {
		out = append(out, CollectorListing{Name: collectorHealth, ListingStatus: e.healthBook.listing(region)})
	}
	for _, l := range e.listers {
		out = append(out, l.status(region))
	}
	return out
}
