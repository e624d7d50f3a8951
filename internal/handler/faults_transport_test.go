package handler_test

import (
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// Faults on the way: a region too slow for the deadline, bodies that are
// not the API's JSON, connections reset.
func TestFaultSuiteTransportAndBodies(t *testing.T) {
	runFaultSuite(t, []faultCase{
		// The region answers after the scrape's deadline (2s header less
		// the 500ms offset): "timeout", and the healthy regions are
		// unaffected.
		{name: "latency past the scrape deadline", timeoutHeader: "2", wantCode: aliyun.CodeTimeout,
			config: func(cfg *simulator.Config, _ **simulator.Server) {
				cfg.Latency = map[string]time.Duration{faulty: time.Minute}
			}},
		// Bodies that are not the API's JSON, with status 200: "decode".
		{name: "malformed JSON", wantCode: aliyun.CodeDecode,
			inject: injectFault(simulator.Fault{Body: []byte(`{"TotalCount": 3,, "InstanceStatuses": {}}`), ContentType: "application/json"})},
		// A body cut off mid-way (retried as a transport failure, then
		// reported as "decode": a response arrived that was not the API's).
		{name: "truncated body", wantCode: aliyun.CodeDecode, inject: injectFault(simulator.Fault{Truncate: true})},
		// Valid JSON padded past the client's 8 MiB cap: refused, "decode".
		{name: "oversized body", wantCode: aliyun.CodeDecode, bodyCap: true, inject: injectFault(simulator.Fault{Oversize: oversize})},
		// A proxy's HTML error page (502, text/html): "decode", after
		// retries (it is a 5xx).
		{name: "HTML error page from a proxy", wantCode: aliyun.CodeDecode,
			inject: injectFault(simulator.Fault{Status: 502, ContentType: "text/html",
				Body: []byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>")})},
		// The connection is reset (RST) on every attempt: "network".
		{name: "connection reset", wantCode: aliyun.CodeNetwork, inject: injectFault(simulator.Fault{Reset: true})},
	})
}
