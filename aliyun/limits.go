package aliyun

import (
	"context"
	"fmt"
	"time"
)

// limitedRequester keeps a region's requests within its limits before it
// delegates, the way YACE's concurrency client wraps its CloudWatch client:
// it waits for the region's rate limiter, then for a slot of the region's
// share of the in-flight cap, then for a slot of the global cap, and holds
// both slots until the request is done. It tells the limiter how the
// request went, so that the rate adapts to the API's throttling.
type limitedRequester struct {
	limiter *regionLimiter
	region  chan struct{} // the region's share of the global cap
	global  chan struct{} // shared by every region of the Client
	next    requester
}

func (l *limitedRequester) do(ctx context.Context, req apiRequest) *Error {
	if err := l.limiter.wait(ctx); err != nil {
		return &Error{Code: CodeTimeout, Err: fmt.Errorf("waiting for the rate limit: %w", err),
			Message: "the deadline passed while waiting for the rate limit"}
	}
	for _, slots := range []chan struct{}{l.region, l.global} {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-ctx.Done():
			return &Error{Code: CodeTimeout, Err: fmt.Errorf("waiting for a request slot: %w", ctx.Err()),
				Message: "the deadline passed while waiting for a request slot (requests in flight are capped)"}
		}
	}
	e := l.next.do(ctx, req)
	switch {
	case e == nil:
		l.limiter.succeeded(time.Now())
	case e.throttled():
		l.limiter.throttled(time.Now())
	}
	return e
}
