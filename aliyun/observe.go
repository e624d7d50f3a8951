package aliyun

import (
	"context"
	"time"
)

// Observer receives one call per API attempt, retries included. code is
// "OK" on success, else the Error's Code.
type Observer interface {
	ObserveRequest(action, region, code string, d time.Duration)
}

// observedRequester tells the Observer about every attempt that got past
// the limits: its action, region, code and how long the request took.
type observedRequester struct {
	obs    Observer
	region string
	next   requester
}

func (o observedRequester) do(ctx context.Context, req apiRequest) *Error {
	start := time.Now()
	e := o.next.do(ctx, req)
	code := "OK"
	if e != nil {
		code = e.Code
	}
	o.obs.ObserveRequest(req.action, o.region, code, time.Since(start))
	return e
}
