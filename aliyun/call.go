package aliyun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// apiParams describes an RPC-style ECS action whose response body the SDK
// hands back unread ("binary"): the SDK still signs, sends and turns error
// responses into typed errors, but a successful body is decoded by us into
// lean structs instead of the SDK's generic map → JSON → struct round trip.
func apiParams(action string) *openapiutil.Params {
	return &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String("2014-05-26"),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("binary"),
	}
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

// call performs one API action with retries. decode reads a successful body.
func (c *Client) call(ctx context.Context, rc *regionClient, region, action string, query map[string]*string, decode func(io.Reader) error) error {
	params := apiParams(action)
	var last *Error
	for attempt := 0; ; attempt++ {
		err := c.attempt(ctx, rc, region, params, query, decode)
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
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// attempt makes exactly one HTTP request, within the region's rate limit and
// the global in-flight cap, and reports it to the Observer.
func (c *Client) attempt(ctx context.Context, rc *regionClient, region string, params *openapiutil.Params, query map[string]*string, decode func(io.Reader) error) *Error {
	if err := rc.limiter.wait(ctx); err != nil {
		return &Error{Code: CodeTimeout, Err: fmt.Errorf("waiting for the rate limit: %w", err)}
	}
	for _, slots := range []chan struct{}{rc.inflight, c.inflight} {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-ctx.Done():
			return &Error{Code: CodeTimeout, Err: fmt.Errorf("waiting for a request slot: %w", ctx.Err())}
		}
	}

	start := time.Now()
	rctx, status := withStatusRecorder(ctx)
	sdk := rc.get()
	resp, err := sdk.CallApiWithCtx(rctx, params, &openapiutil.OpenApiRequest{Query: query}, &dara.RuntimeOptions{})
	rc.put(sdk)
	if err == nil {
		err = readBody(resp, decode)
	}
	code := "OK"
	var e *Error
	if err != nil {
		e = classify(ctx, err, *status)
		code = e.Code
		if strings.HasPrefix(code, "Throttling") {
			rc.limiter.throttled(time.Now())
		}
	} else {
		rc.limiter.succeeded(time.Now())
	}
	if c.opts.Observer != nil {
		c.opts.Observer.ObserveRequest(dara.StringValue(params.Action), region, code, time.Since(start))
	}
	return e
}

var errNoBody = errors.New("the SDK returned no response body")

// readBody decodes and always drains and closes the body the SDK returned,
// so that the connection goes back to the pool.
func readBody(resp map[string]interface{}, decode func(io.Reader) error) error {
	body, ok := resp["body"].(io.ReadCloser)
	if !ok {
		return errNoBody
	}
	defer body.Close()
	if err := decode(body); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, body)
	return err
}
