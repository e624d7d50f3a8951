package simulator

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"
)

// Server is a simulated ECS OpenAPI endpoint. Use it as an http.Handler or
// run it on a loopback port with Start. It is safe for concurrent use.
//
// Server holds no lock of its own: it routes each call through the parts
// it is made of, each of which guards its own state.
type Server struct {
	now       func() time.Time
	onRequest func(string, int)

	auth     *verifier
	fleet    *fleet
	limits   *rateLimits
	latency  latencies
	refuse   forbidden
	faults   faultList
	stats    *statsTable
	requests *requestIDs
	life     *lifecycle
}

// New builds a Server from cfg. The maps and slices in cfg are copied, so
// later changes to them do not affect the server.
func New(cfg Config) *Server {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Server{
		now:       now,
		onRequest: cfg.OnRequest,
		auth:      newVerifier(cfg.Credentials, now),
		fleet:     newFleet(cfg.Regions, cfg.Zones, cfg.Events),
		limits:    newRateLimits(cfg.RateLimit),
		latency:   newLatencies(cfg.Latency),
		refuse:    newForbidden(cfg.Forbidden),
		stats:     newStatsTable(),
		requests:  newRequestIDs(),
		life:      newLifecycle(),
	}
}

// Start listens on addr (for instance "127.0.0.1:0"), serves in the
// background and returns the base URL, "http://127.0.0.1:PORT". The SDK's
// Endpoint is that URL's host:port. Start may be called once.
func (s *Server) Start(addr string) (string, error) {
	return s.life.start(addr, s)
}

// Close stops the listener, drops open connections, cuts short any latency
// or fault delay under way, and waits for every handler to return. Requests
// after Close are answered 503. It is safe to call more than once.
func (s *Server) Close() error {
	return s.life.close()
}

// ServeHTTP answers one ECS OpenAPI call. Called with a ResponseWriter that
// cannot be hijacked (httptest.ResponseRecorder, HTTP/2), the Reset and
// Truncate faults end the handler by panicking with http.ErrAbortHandler,
// which net/http turns into a dropped connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, requestID: s.requests.next()}
	if !s.life.enter() {
		c.send(errShuttingDown())
		return
	}
	defer s.life.leave()

	query, params, body, perr := readParams(r)
	c.stats = s.stats.forCall(params.Get("RegionId"))
	c.stats.enter()
	defer c.stats.leave()
	if perr != nil {
		c.fail(perr)
		return
	}
	who, aerr := s.auth.authenticate(r, query, params, body)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	s.serveAuthenticated(c, who, params)
}

// serveAuthenticated applies the region's rate limit, latency and faults to
// an authenticated call, then answers it.
func (s *Server) serveAuthenticated(c *call, who caller, params url.Values) {
	region := params.Get("RegionId")
	if region != "" && s.fleet.hasRegion(region) && !s.limits.allow(region, s.now()) {
		c.stats.countThrottled()
		c.fail(errorf(400, "Throttling.User", "Request was denied due to user flow control."))
		return
	}
	if !s.life.sleep(c.r.Context(), s.latency.of(region)) {
		c.abandon()
		return
	}
	fault, faulted := s.faults.pick(region, who.action)
	if faulted {
		c.stats.countFaulted()
		if !s.life.sleep(c.r.Context(), fault.Delay) {
			c.abandon()
			return
		}
		if fault.answer(c) {
			return
		}
	}

	status := http.StatusOK
	out, aerr := s.answer(c, who, params)
	if aerr != nil {
		c.stats.countError()
		status, out = aerr.Status, errorJSON(c.requestID, c.r.Host, aerr)
	}
	if faulted {
		fault.deliver(c.w, status, out)
		return
	}
	writeBody(c.w, status, jsonContentType, out)
}

// answer runs the call's action, unless the account's role may not call it
// in the call's region.
func (s *Server) answer(c *call, who caller, params url.Values) ([]byte, *apiError) {
	if s.refuse.refuses(params.Get("RegionId"), who.action) {
		return nil, errForbiddenRAM()
	}
	return dispatch(who, actionCall{requestID: c.requestID, params: params, fleet: s.fleet, onRequest: s.onRequest})
}

// Stats returns the counts for region; region "" gives the totals over
// every call. A call without a RegionId counts in the totals only.
func (s *Server) Stats(region string) Stats {
	return s.stats.snapshot(region)
}

// ResetStats zeroes every count. MaxInFlight restarts from the requests in
// flight now.
func (s *Server) ResetStats() {
	s.stats.reset()
}

// InjectFault adds a fault for region ("" = every region). A call's region
// is its RegionId parameter, so a call without one (DescribeRegions) meets
// only the faults for every region.
func (s *Server) InjectFault(region string, f Fault) {
	s.faults.inject(region, f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.clear()
}

// SetStatus changes one instance's status. It reports whether the instance
// was found.
func (s *Server) SetStatus(region, instanceID, status string) bool {
	return s.fleet.setStatus(region, instanceID, status)
}

// SetHealth changes one instance's health, as DescribeInstancesFullStatus
// reports it (HealthOk, HealthImpaired, …). It reports whether the
// instance was found.
func (s *Server) SetHealth(region, instanceID, health string) bool {
	return s.fleet.setHealth(region, instanceID, health)
}

// PutEvent adds a system event to the region, or replaces the region's
// event with e's ID. It reports whether the region was found. The event's
// instance need not exist: the API keeps events of released instances.
func (s *Server) PutEvent(region string, e Event) bool {
	return s.fleet.putEvent(region, e)
}

// Insert adds an instance at the head (atHead) or the tail of the region's
// listing order, so a sweep already under way sees the listing shift. An
// instance with the same ID is replaced. A region not yet known is created,
// and from then on is a valid RegionId.
func (s *Server) Insert(region string, inst Instance, atHead bool) {
	s.fleet.insert(region, inst, atHead)
}

// Remove deletes an instance from the region's listing. It reports whether
// the instance was found. Its zone stays a valid ZoneId.
func (s *Server) Remove(region, instanceID string) bool {
	return s.fleet.remove(region, instanceID)
}

// Instances returns a copy of the region's instances in listing order: the
// ground truth a test compares an exporter's output with. An unknown region
// yields nil.
func (s *Server) Instances(region string) []Instance {
	return s.fleet.instances(region)
}

// Churn moves a few random instances one step along their life cycle every
// interval (Running→Stopping→Stopped→Starting→Running, Pending→Running),
// until ctx is done or the server is closed. It blocks: run it in its own
// goroutine. The choices follow from seed. A non-positive interval means
// one second.
func (s *Server) Churn(ctx context.Context, interval time.Duration, seed int64) {
	if interval <= 0 {
		interval = time.Second
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x636875726e))
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.life.done():
			return
		case <-t.C:
			s.fleet.churn(rng)
		}
	}
}
