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

// observerKey carries the Observer of WithObserver in a context.
type observerKey struct{}

// WithObserver returns a copy of ctx under which every API attempt of the
// calls made with it is told to obs too, besides the Client's Observer:
// the way a caller tallies one listing of its own (its calls, pages and
// throttled calls) while other listings share the Client. It replaces an
// Observer that ctx already carries.
func WithObserver(ctx context.Context, obs Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, obs)
}

// observedRequester tells the Client's Observer (obs, if any) and the
// context's (WithObserver) about every attempt that got past the limits:
// its action, region, code and how long the request took.
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
	d := time.Since(start)
	if o.obs != nil {
		o.obs.ObserveRequest(req.action, o.region, code, d)
	}
	if obs, ok := ctx.Value(observerKey{}).(Observer); ok && obs != nil {
		obs.ObserveRequest(req.action, o.region, code, d)
	}
	return e
}
