package app

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// demoChurnEvery is how often a few demo instances change status.
const demoChurnEvery = 10 * time.Second

// demo is the built-in simulator of --demo, serving on a loopback port,
// its fleet churning until Close.
type demo struct {
	sim      *simulator.Server
	endpoint *url.URL
	stop     context.CancelFunc
	churned  chan struct{} // closed when the churn has stopped
}

// startDemo starts the simulator on 127.0.0.1 and its churn.
func startDemo(logger log.Logger) (*demo, error) {
	sim := simulator.New(simulator.Demo())
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("--demo: starting the simulator: %w", err)
	}
	endpoint, err := config.ParseEndpoint(base)
	if err != nil {
		_ = sim.Close()
		return nil, fmt.Errorf("--demo: the simulator's address: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	d := &demo{sim: sim, endpoint: endpoint, stop: stop, churned: make(chan struct{})}
	go func() {
		defer close(d.churned)
		sim.Churn(ctx, demoChurnEvery, time.Now().UnixNano())
	}()
	level.Info(logger).Log("msg", "demo mode: serving a simulated fleet", "simulator", base)
	return d, nil
}

// Close stops the churn and the simulator, and waits for both. It is safe
// on a nil demo.
func (d *demo) Close() {
	if d == nil {
		return
	}
	d.stop()
	<-d.churned
	_ = d.sim.Close()
}
