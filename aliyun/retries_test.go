package aliyun

import (
	"context"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// retryingClient is a client of a simulated cn-hangzhou of n instances
// (seeded by seed) whose next answers are fault, backing off by b between
// retries; and the fleet.
func retryingClient(t *testing.T, n int, seed int64, fault simulator.Fault, b backoff, opts ...clientOpt) (*Client, *recorder, []simulator.Instance) {
	t.Helper()
	fleet, sim, ep := startFleet(t, n, seed)
	sim.InjectFault("cn-hangzhou", fault)
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, opts...)
	c.backoff = b
	return c, rec, fleet
}

func TestTransientFailuresAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault simulator.Fault
		code  string
	}{
		{"throttled then OK", simulator.Fault{Times: 2, Status: 400, Code: "Throttling.User", Message: "Request was denied due to user flow control."}, "Throttling.User"},
		{"503 then OK", simulator.Fault{Times: 1, Status: 503, Code: "ServiceUnavailable", Message: "The request has failed due to a temporary failure of the server."}, "ServiceUnavailable"},
		{"HTML 502 from a proxy then OK", simulator.Fault{Times: 1, Status: 502, Body: []byte("<html><body>Bad Gateway</body></html>"), ContentType: "text/html"}, CodeDecode},
		{"connection reset then OK", simulator.Fault{Times: 1, Reset: true}, CodeNetwork},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec, fleet := retryingClient(t, 60, 5, tc.fault, backoff{base: time.Millisecond, max: 5 * time.Millisecond})
			got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			wantFleet(t, got, fleet)
			wantFailed := max(tc.fault.Times, 1)
			if n := rec.count("cn-hangzhou", tc.code); n != wantFailed {
				t.Errorf("observer saw %d %s requests, want %d", n, tc.code, wantFailed)
			}
			if n := rec.count("cn-hangzhou", "OK"); n != 2 {
				t.Errorf("observer saw %d OK requests, want 2 pages", n)
			}
		})
	}
}

func TestRetriesGiveUpAfterMaxRetries(t *testing.T) {
	c, rec, _ := retryingClient(t, 5, 6, simulator.Fault{Status: 503, Code: "ServiceUnavailable"},
		backoff{base: time.Millisecond, max: 2 * time.Millisecond}, func(o *Options) { o.MaxRetries = 2 })
	_, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if ErrorCode(err) != "ServiceUnavailable" {
		t.Fatalf("got %v, want ServiceUnavailable", err)
	}
	if n := rec.count("cn-hangzhou", "ServiceUnavailable"); n != 3 {
		t.Errorf("observer saw %d attempts, want 1 + 2 retries", n)
	}
}

func TestDeadlineExceededIsATimeout(t *testing.T) {
	_, ep := startSim(t, simulator.Config{
		Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 7)},
		Latency: map[string]time.Duration{"cn-hangzhou": 5 * time.Second},
	})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.InstanceStatuses(ctx, "cn-hangzhou", nil)
	if ErrorCode(err) != CodeTimeout {
		t.Fatalf("got %v, want code timeout", err)
	}
}

func TestRetryBackoffNeverPassesTheDeadline(t *testing.T) {
	c, rec, _ := retryingClient(t, 5, 8, simulator.Fault{Status: 400, Code: "Throttling.User"},
		backoff{base: time.Hour, max: time.Hour}, func(o *Options) { o.MaxRetries = 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.InstanceStatuses(ctx, "cn-hangzhou", nil)
	if ErrorCode(err) != "Throttling.User" {
		t.Fatalf("got %v, want the throttling error itself", err)
	}
	if ctx.Err() != nil {
		t.Error("the call waited until the deadline instead of giving up at once")
	}
	if n := rec.count("cn-hangzhou", "Throttling.User"); n != 1 {
		t.Errorf("observer saw %d attempts, want 1: a retry that cannot finish in time is not made", n)
	}
}
