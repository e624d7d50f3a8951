package simulator

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is an injected misbehaviour. Faults act after authentication, rate
// limiting and the region's latency. When several faults match a call, the
// first injected one that fires wins; the others do not see the call.
//
// Of the effects, Delay comes first and combines with any other; then the
// first set of Reset, Body, an error (Status ≥ 400 or Code) is sent instead
// of the real answer; otherwise the real answer is sent, modified by
// Truncate and Oversize.
type Fault struct {
	Action      string        // "" = any action
	Times       int           // how many matching calls it affects; 0 = unlimited (until ClearFaults)
	Every       int           // when > 1, only every Nth matching call is affected (e.g. 3 = every third call)
	Status      int           // HTTP status for an error response (with Code/Message as JSON error body); default 500 when only Code is set
	Code        string        // error Code; default InternalError (ServiceUnavailable for 503)
	Message     string        // error Message; a generic one when empty
	Body        []byte        // raw body sent instead (with Status, default 200) — malformed JSON, HTML proxy page, …
	ContentType string        // with Body; empty lets net/http sniff it
	Truncate    bool          // send a valid success body but cut off mid-way (declare full Content-Length, then close)
	Oversize    int           // pad a success response to at least this many bytes (valid JSON, huge)
	Delay       time.Duration // extra latency before responding (honours client cancellation)
	Reset       bool          // hijack the connection and close it abruptly (RST: SetLinger(0))
}

// isError reports whether f replaces the answer with a JSON error.
func (f *Fault) isError() bool { return f.Code != "" || f.Status >= 400 }

func (f *Fault) apiError() *apiError {
	e := &apiError{Status: f.Status, Code: f.Code, Message: f.Message}
	if e.Status == 0 {
		e.Status = http.StatusInternalServerError
	}
	if e.Code == "" {
		e.Code = "InternalError"
		if e.Status == http.StatusServiceUnavailable {
			e.Code = "ServiceUnavailable"
		}
	}
	if e.Message == "" {
		e.Message = "The request processing has failed due to some unknown error, exception or failure."
	}
	return e
}

type faultEntry struct {
	region  string
	fault   Fault
	matched int // matching calls seen
	fired   int // calls affected
}

// faultList is the injected faults in injection order.
type faultList struct {
	n       atomic.Int32 // len(entries), read without the lock on the hot path
	mu      sync.Mutex
	entries []*faultEntry
}

// InjectFault adds a fault for region ("" = every region). A call's region
// is its RegionId parameter, so a call without one (DescribeRegions) meets
// only the faults for every region.
func (s *Server) InjectFault(region string, f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.entries = append(s.faults.entries, &faultEntry{region: region, fault: f})
	s.faults.n.Store(int32(len(s.faults.entries)))
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.entries = nil
	s.faults.n.Store(0)
}

// pick returns the fault that fires on this call, if any.
func (l *faultList) pick(region, action string) (Fault, bool) {
	if l.n.Load() == 0 {
		return Fault{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.entries {
		if (e.region != "" && e.region != region) || (e.fault.Action != "" && e.fault.Action != action) {
			continue
		}
		if e.fault.Times > 0 && e.fired >= e.fault.Times {
			continue
		}
		e.matched++
		if e.fault.Every > 1 && e.matched%e.fault.Every != 0 {
			continue
		}
		e.fired++
		return e.fault, true
	}
	return Fault{}, false
}

// padJSON grows a JSON object to at least size bytes by adding a "Padding"
// string member before its closing brace.
func padJSON(body []byte, size int) []byte {
	const member = `,"Padding":""`
	n := size - len(body) - len(member)
	if n <= 0 || len(body) < 2 || body[len(body)-1] != '}' {
		return body
	}
	out := make([]byte, 0, size)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"Padding":"`...)
	out = append(out, bytes.Repeat([]byte{'x'}, n)...)
	out = append(out, `"}`...)
	return out
}

// resetConn closes the client's connection abruptly, with a TCP RST where
// the connection allows it.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http then drops the connection
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// writeTruncated declares the full Content-Length, sends the first half of
// body and closes the connection.
func writeTruncated(w http.ResponseWriter, status int, contentType string, body []byte) {
	half := body[:len(body)/2]
	conn, bufrw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(half)
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(bufrw, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		status, http.StatusText(status), contentType, len(body))
	_, _ = bufrw.Write(half)
	_ = bufrw.Flush()
}
