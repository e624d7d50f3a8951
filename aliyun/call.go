package aliyun

import (
	"context"
	"io"
	"math/rand/v2"
	"time"
)

// apiRequest is one API request: the action, its query parameters, and
// what reads a successful response body.
type apiRequest struct {
	action string
	query  map[string]*string
	decode func(io.Reader) error
}

// requester makes exactly one attempt at an API request. Each layer of a
// region's call path implements it and adds one concern before it
// delegates to the next (see Client.region):
//
//	limitedRequester (limits.go): rate limit, in-flight caps, limiter feedback
//	observedRequester (observe.go): the Observers' count and duration
//	sdkRequester (sdk.go): the vendor SDK, body decoding, classification
type requester interface {
	do(ctx context.Context, req apiRequest) *Error
}

// backoff is exponential with equal jitter: attempt n waits between half and
// all of min(max, base·2ⁿ), or longer when the server says so.
type backoff struct {
	base, max time.Duration
}

var defaultBackoff = backoff{base: 100 * time.Millisecond, max: 5 * time.Second}

func (b backoff) delay(attempt int, retryAfter time.Duration) time.Duration {
	d := b.base << min(attempt, 16)
	if d > b.max || d <= 0 {
		d = b.max
	}
	d = d/2 + rand.N(d/2+1)
	return max(d, retryAfter)
}

// call performs one API request on the region's call path, with retries.
func (c *Client) call(ctx context.Context, rc *regionClient, req apiRequest) error {
	var last *Error
	for attempt := 0; ; attempt++ {
		err := rc.requester.do(ctx, req)
		if err == nil {
			return nil
		}
		if err.Code == CodeTimeout && last != nil {
			// The retry ran out of time (often waiting behind a rate
			// limit the API made us lower): the API's answer is the cause.
			return last
		}
		last = err
		if attempt >= c.opts.MaxRetries || !err.retryable() {
			return err
		}
		wait := c.backoff.delay(attempt, time.Duration(retryAfterMillis(err.Err))*time.Millisecond)
		if !sleep(ctx, wait) {
			return err
		}
	}
}

// sleep waits d unless that would pass ctx's deadline or ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
