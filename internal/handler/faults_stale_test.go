package handler_test

import (
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// Bounded stale serving: the region swept fine once, then fails
// (connection resets); within the Exporter's MaxStaleness its last result
// is served again, with ecs_up 0 and the error counted.
func TestFaultSuiteStaleness(t *testing.T) {
	runFaultSuite(t, []faultCase{
		{name: "failed region within max-staleness (stale)", primed: true, wantCode: aliyun.CodeNetwork,
			inject: injectFault(simulator.Fault{Reset: true})},
	})
}
