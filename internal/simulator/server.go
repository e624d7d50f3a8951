package simulator

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes a simulated account.
type Config struct {
	Credentials map[string]Credential    // AccessKeyId -> credential
	Regions     map[string][]Instance    // region -> fleet (a present key with an empty slice is a valid, empty region)
	Zones       map[string][]string      // extra valid zones per region, beyond those instances use (optional)
	Latency     map[string]time.Duration // per region; key "" is the default for all regions
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

// maxBodyBytes bounds the request body the simulator reads; ECS RPC calls
// carry their parameters in the query and an empty body.
const maxBodyBytes = 1 << 20

// Server is a simulated ECS OpenAPI endpoint. Use it as an http.Handler or
// run it on a loopback port with Start. It is safe for concurrent use.
type Server struct {
	creds     map[string]Credential
	now       func() time.Time
	onRequest func(string, int)
	latency   map[string]time.Duration

	fleet    *fleet
	limits   *limiters
	faults   faultList
	nonces   nonceCache
	stats    statsTable
	requests requestIDs

	// lifecycle
	mu        sync.Mutex
	closed    bool
	closing   chan struct{} // closed by Close: handlers stop sleeping
	handlers  sync.WaitGroup
	httpSrv   *http.Server
	serveDone chan struct{}
}

// New builds a Server from cfg. The maps and slices in cfg are copied, so
// later changes to them do not affect the server.
func New(cfg Config) *Server {
	s := &Server{
		creds:     make(map[string]Credential, len(cfg.Credentials)),
		now:       cfg.Now,
		onRequest: cfg.OnRequest,
		latency:   make(map[string]time.Duration, len(cfg.Latency)),
		fleet:     newFleet(cfg.Regions, cfg.Zones),
		limits:    newLimiters(cfg.RateLimit),
		closing:   make(chan struct{}),
	}
	_, _ = rand.Read(s.requests.prefix[:])
	s.stats.byRegion = map[string]*counters{}
	if s.now == nil {
		s.now = time.Now
	}
	for k, v := range cfg.Credentials {
		s.creds[k] = v
	}
	for k, v := range cfg.Latency {
		s.latency[k] = v
	}
	return s
}

// Start listens on addr (for instance "127.0.0.1:0"), serves in the
// background and returns the base URL, "http://127.0.0.1:PORT". The SDK's
// Endpoint is that URL's host:port. Start may be called once.
func (s *Server) Start(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errors.New("simulator: Start after Close")
	}
	if s.httpSrv != nil {
		return "", errors.New("simulator: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.serveDone = make(chan struct{})
	go func(srv *http.Server, done chan<- struct{}) {
		defer close(done)
		_ = srv.Serve(ln)
	}(s.httpSrv, s.serveDone)
	return "http://" + ln.Addr().String(), nil
}

// Close stops the listener, drops open connections, cuts short any latency
// or fault delay under way, and waits for every handler to return. Requests
// after Close are answered 503. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv, done := s.httpSrv, s.serveDone
	s.mu.Unlock()

	// Drop the connections first, so a handler cut short below cannot
	// still send an answer; then wake the sleeping handlers.
	var err error
	if srv != nil {
		err = srv.Close()
		<-done
	}
	close(s.closing)
	s.handlers.Wait()
	return err
}

// enter registers a handler unless the server is closed.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

// ServeHTTP answers one ECS OpenAPI call. Called with a ResponseWriter that
// cannot be hijacked (httptest.ResponseRecorder, HTTP/2), the Reset and
// Truncate faults end the handler by panicking with http.ErrAbortHandler,
// which net/http turns into a dropped connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, requestID: s.requests.next()}
	if !s.enter() {
		c.send(errShuttingDown())
		return
	}
	defer s.handlers.Done()

	query, params, body, perr := readParams(r)
	c.stats = s.stats.forCall(params.Get("RegionId"))
	c.stats.enter()
	defer c.stats.leave()
	if perr != nil {
		c.fail(perr)
		return
	}
	who, aerr := s.authenticate(r, query, params, body)
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
	if !s.sleep(c.r.Context(), s.latencyFor(region)) {
		c.abandon()
		return
	}
	fault, faulted := s.faults.pick(region, who.action)
	if faulted {
		c.stats.countFaulted()
		if s.replaceAnswer(c, fault) {
			return
		}
	}

	status := http.StatusOK
	out, aerr := s.dispatch(c.requestID, who, params)
	if aerr != nil {
		c.stats.countError()
		status, out = aerr.Status, errorJSON(c.requestID, c.r.Host, aerr)
	}
	if faulted && fault.Oversize > 0 {
		out = padJSON(out, fault.Oversize)
	}
	if faulted && fault.Truncate {
		writeTruncated(c.w, status, jsonContentType, out)
		return
	}
	writeBody(c.w, status, jsonContentType, out)
}

// replaceAnswer waits out the fault's delay and sends the fault's own answer
// when it has one. It reports whether the call is done.
func (s *Server) replaceAnswer(c *call, f Fault) bool {
	if !s.sleep(c.r.Context(), f.Delay) {
		c.abandon()
		return true
	}
	switch {
	case f.Reset:
		resetConn(c.w)
	case f.Body != nil:
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		writeBody(c.w, status, f.ContentType, f.Body)
	case f.isError():
		c.send(f.apiError())
	default:
		return false
	}
	return true
}

// call is one request being answered.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	requestID string
	stats     callStats
}

// send answers with e.
func (c *call) send(e *apiError) {
	writeBody(c.w, e.Status, jsonContentType, errorJSON(c.requestID, c.r.Host, e))
}

// fail answers with e and counts it as the simulator's own error.
func (c *call) fail(e *apiError) {
	c.stats.countError()
	c.send(e)
}

// abandon ends a call cut short: when the client has gone there is nobody to
// answer; when the server is closing the answer is 503, never an empty 200.
func (c *call) abandon() {
	if c.r.Context().Err() == nil {
		c.send(errShuttingDown())
	}
}

func errShuttingDown() *apiError {
	return errorf(http.StatusServiceUnavailable, "ServiceUnavailable", "The simulator is shutting down.")
}

// dispatch runs the action.
func (s *Server) dispatch(requestID string, who caller, params url.Values) ([]byte, *apiError) {
	if who.action == "" {
		return nil, errorf(400, "MissingParameter",
			`The input parameter "Action" that is mandatory for processing this request is not supplied.`)
	}
	if who.version != apiVersion {
		return nil, errorf(400, "InvalidVersion", "Specified parameter Version %q is not valid; this API is %s.", who.version, apiVersion)
	}
	switch who.action {
	case "DescribeInstanceStatus":
		return s.describeInstanceStatus(requestID, params)
	case "DescribeRegions":
		return s.describeRegions(requestID), nil
	case "DescribeInstances":
		return s.describeInstances(requestID, params)
	default:
		return nil, errorf(404, "InvalidAction.NotFound", "Specified api %q is not found, please check your url and method.", who.action)
	}
}

// readParams decodes the query, and a form body when there is one. params
// is the query plus the form fields: the API's parameters. body is the raw
// body, which V3 signatures hash.
func readParams(r *http.Request) (query, params url.Values, body []byte, err *apiError) {
	query, perr := url.ParseQuery(r.URL.RawQuery)
	if perr != nil {
		return url.Values{}, url.Values{}, nil, errorf(400, "InvalidParameter", "The query string is malformed: %v.", perr)
	}
	if r.Body != nil {
		b, rerr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if rerr != nil || len(b) > maxBodyBytes {
			return query, query, nil, errorf(400, "InvalidParameter", "The request body is unreadable or larger than %d bytes.", maxBodyBytes)
		}
		body = b
	}
	params = query
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && len(body) > 0 {
		form, ferr := url.ParseQuery(string(body))
		if ferr != nil {
			return query, query, body, errorf(400, "InvalidParameter", "The form body is malformed: %v.", ferr)
		}
		params = make(url.Values, len(query)+len(form))
		for k, v := range query {
			params[k] = v
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return query, params, body, nil
}

// requestIDs makes UUID-shaped request IDs cheaply: a random prefix per
// server and a counter.
type requestIDs struct {
	prefix [8]byte
	seq    atomic.Uint64
}

// next returns an ID like "3F2A9C1B-07D4-4E5A-8000-00000000002A".
func (r *requestIDs) next() string {
	var raw [16]byte
	copy(raw[:8], r.prefix[:])
	binary.BigEndian.PutUint64(raw[8:], r.seq.Add(1))
	raw[6] = raw[6]&0x0f | 0x40 // version 4 shape
	raw[8] = raw[8]&0x3f | 0x80 // variant bits
	var h [32]byte
	hex.Encode(h[:], raw[:])
	b := make([]byte, 0, 36)
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-')
	b = append(b, h[12:16]...)
	b = append(b, '-')
	b = append(b, h[16:20]...)
	b = append(b, '-')
	b = append(b, h[20:32]...)
	return toUpperHex(b)
}

func toUpperHex(b []byte) string {
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
