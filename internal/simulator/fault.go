package simulator

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
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

// apiError is the error an error fault answers with, defaults filled in.
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

// answer sends the fault's own answer in place of the call's real one:
// a reset, a raw body or an error. It reports whether f has such an answer.
func (f *Fault) answer(c *call) bool {
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

// deliver sends the call's real JSON answer as f changes it: padded to
// Oversize, cut off half way by Truncate.
func (f *Fault) deliver(w http.ResponseWriter, status int, body []byte) {
	if f.Oversize > 0 {
		body = padJSON(body, f.Oversize)
	}
	if f.Truncate {
		writeTruncated(w, status, jsonContentType, body)
		return
	}
	writeBody(w, status, jsonContentType, body)
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
