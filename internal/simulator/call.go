package simulator

import "net/http"

// call is one request being answered: where the answer goes, its request
// ID, and the counters it updates.
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
