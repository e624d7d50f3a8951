package simulator

// Stats counts the calls the simulator has seen. A call belongs to the
// region named by its RegionId parameter, whether or not that region exists.
type Stats struct {
	// Calls counts every request that reached the simulator.
	Calls int64
	// Throttled counts the calls refused with Throttling.User.
	Throttled int64
	// Errors counts the error responses the simulator produced itself:
	// authentication, validation and throttling (so Throttled is a subset),
	// but not injected faults.
	Errors int64
	// Faulted counts the calls an injected fault fired on.
	Faulted int64
	// MaxInFlight is the peak number of concurrent requests for this region
	// (for region "", across all regions) since New or ResetStats.
	MaxInFlight int64
}
