package simulator

import "time"

// Config describes a simulated account.
type Config struct {
	Credentials map[string]Credential    // AccessKeyId -> credential
	Regions     map[string][]Instance    // region -> fleet (a present key with an empty slice is a valid, empty region)
	Zones       map[string][]string      // extra valid zones per region, beyond those instances use (optional)
	Latency     map[string]time.Duration // per region; key "" is the default for all regions
	// Events are each region's system events, in listing order (optional).
	// Events of a region the account lacks are dropped.
	Events map[string][]Event
	// Forbidden lists, per region, the actions the account's role may not
	// call there: they answer 403 Forbidden.RAM. Key "" applies to every
	// region (and to calls without a RegionId).
	Forbidden map[string][]string
	// RateLimit is requests/second per region; key "" is the default; 0 =
	// unlimited. A region's bucket holds ceil(rate) tokens (at least 1).
	// Calls without a RegionId, such as DescribeRegions, and calls for
	// regions the account lacks are not limited.
	RateLimit map[string]float64
	// Now is an optional clock for timestamp checks and rate limiting
	// (default time.Now). A clock that stands still keeps a drained bucket
	// empty, which makes throttling deterministic in tests.
	Now func() time.Time
	// OnRequest is an optional hook called synchronously for each
	// DescribeInstanceStatus call after authentication and validation, before
	// the page is built; it may call Insert, Remove and SetStatus, so tests
	// can change the fleet mid-sweep.
	OnRequest func(region string, page int)
}

// Credential is one access key the simulator accepts.
type Credential struct {
	Secret        string
	SecurityToken string // non-empty: an STS credential; requests must carry exactly this token
	Expired       bool   // STS token expired
}
