package testenv

import (
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// StartSimulator runs a simulator of cfg on a loopback port until the test
// ends, and returns it with its base URL.
func StartSimulator(tb testing.TB, cfg simulator.Config) (*simulator.Server, string) {
	tb.Helper()
	sim := simulator.New(cfg)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sim.Close() })
	return sim, base
}
