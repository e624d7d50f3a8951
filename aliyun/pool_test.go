package aliyun

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// gate holds the first n requests for pages after the first until all n
// have arrived, so that a sweep is known to have n requests in flight at
// once; later requests pass straight through.
type gate struct {
	n       int
	mu      sync.Mutex
	waiting int
	open    chan struct{}
	next    http.Handler
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("PageNumber") != "1" {
		g.mu.Lock()
		if g.waiting < g.n {
			g.waiting++
			if g.waiting == g.n {
				close(g.open)
			}
		}
		g.mu.Unlock()
		select {
		case <-g.open:
		case <-r.Context().Done():
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// TestSixteenInFlightReuseThePool: a sweep with the default 16 requests in
// flight opens 16 connections, and the next sweep opens none: the pool
// keeps every connection of a full set of workers idle for the next one.
func TestSixteenInFlightReuseThePool(t *testing.T) {
	const inflight = 16 // the default MaxInflight
	fleet := simulator.GenerateFleet("cn-hangzhou", 50*inflight*4, 11)
	sim := simulator.New(simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     map[string][]simulator.Instance{"cn-hangzhou": fleet},
	})
	t.Cleanup(func() { sim.Close() })
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(&gate{n: inflight, open: make(chan struct{}), next: sim})
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	c, _ := newTestClient(t, mustURL(t, srv.URL), []string{"cn-hangzhou"})
	for sweep, want := range []int64{inflight, 0} {
		before := opened.Load()
		// The gate holds the first sweep until 16 requests are in flight;
		// a client with fewer workers fails here instead of hanging.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		got, err := c.InstanceStatuses(ctx, "cn-hangzhou", nil)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		wantFleet(t, got, fleet)
		if n := opened.Load() - before; n != want {
			t.Errorf("sweep %d opened %d connections, want %d", sweep+1, n, want)
		}
	}
}
