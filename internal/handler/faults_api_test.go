package handler_test

import (
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// Errors the API answers with: a region or zone that does not exist,
// throttling, 5xx.
func TestFaultSuiteAPIErrors(t *testing.T) {
	runFaultSuite(t, []faultCase{
		// A region the account lacks: the API's own 404 code.
		{name: "invalid region", region: "xx-nowhere-1", wantCode: "InvalidRegionId.NotFound"},
		// A zone the region lacks: the API's own 404 code.
		{name: "invalid zone", zones: map[string][]string{faulty: {faulty + "-z"}}, wantCode: "InvalidZoneId.NotFound"},
		// A storm: the region's real rate limiter at 1 request/s on a
		// clock that stands still, so after page 1 every call is
		// throttled. The client slows down and retries until the scrape's
		// deadline (2s header less the offset), and the region reports the
		// API's code, not "timeout": the throttling is what ended it.
		{name: "throttling storm", wantCode: "Throttling.User", timeoutHeader: "2",
			config: func(cfg *simulator.Config, _ **simulator.Server) {
				frozen := time.Now()
				cfg.Now = func() time.Time { return frozen }
				cfg.RateLimit = map[string]float64{faulty: 1}
			}},
		// Every third call is a 503: retries absorb it, the region is
		// complete and the 503s show in ecs_api_requests_total.
		{name: "every third call answers 503", retriedCode: "ServiceUnavailable",
			inject: injectFault(simulator.Fault{Every: 3, Status: 503, Code: "ServiceUnavailable"})},
		// A 5xx burst shorter than the retry budget is absorbed ...
		{name: "5xx burst within the retry budget", retriedCode: "InternalError",
			inject: injectFault(simulator.Fault{Times: maxRetry, Status: 500, Code: "InternalError"})},
		// ... a longer one ends the region with the API's code.
		{name: "5xx burst past the retry budget", wantCode: "InternalError",
			inject: injectFault(simulator.Fault{Times: 50, Status: 500, Code: "InternalError"})},
	})
}

// injectFault is an inject hook that gives the faulty region f.
func injectFault(f simulator.Fault) func(sim *simulator.Server) {
	return func(sim *simulator.Server) { sim.InjectFault(faulty, f) }
}
