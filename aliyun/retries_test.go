package aliyun

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestFailuresCarryTheAPIErrorCode(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 10, 4)
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	for _, tc := range []struct {
		name       string
		region     string
		zones      []string
		key        string
		secret     string
		wantCode   string
		wantStatus int
	}{
		{"an unknown region is InvalidRegionId.NotFound", "xx-nowhere-1", nil, testKey, testSecret, "InvalidRegionId.NotFound", 404},
		{"an unknown zone is InvalidZoneId.NotFound", "cn-hangzhou", []string{"cn-hangzhou-z"}, testKey, testSecret, "InvalidZoneId.NotFound", 404},
		{"a wrong secret is SignatureDoesNotMatch", "cn-hangzhou", nil, testKey, "wrongsecret", "SignatureDoesNotMatch", 400},
		{"an unknown key is InvalidAccessKeyId.NotFound", "cn-hangzhou", nil, "LTAIunknown", testSecret, "InvalidAccessKeyId.NotFound", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.PinEnv(t)
			cred, err := StaticCredential(tc.key, tc.secret, "")
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			c, err := New(Options{Regions: []string{tc.region}, Credential: cred, Endpoint: ep, MaxRetries: 3, Observer: rec})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.InstanceStatuses(context.Background(), tc.region, tc.zones)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Code != tc.wantCode || e.HTTPStatus != tc.wantStatus {
				t.Errorf("got code %q status %d, want %q %d", e.Code, e.HTTPStatus, tc.wantCode, tc.wantStatus)
			}
			if n := rec.count(tc.region, tc.wantCode); n != 1 {
				t.Errorf("observer saw %d %s requests, want exactly 1 (client errors are not retried)", n, tc.wantCode)
			}
		})
	}
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
			fleet := simulator.GenerateFleet("cn-hangzhou", 60, 5)
			sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
			sim.InjectFault("cn-hangzhou", tc.fault)
			c, rec := newTestClient(t, ep, []string{"cn-hangzhou"})
			c.backoff = backoff{base: time.Millisecond, max: 5 * time.Millisecond}
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
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 6)}})
	sim.InjectFault("cn-hangzhou", simulator.Fault{Status: 503, Code: "ServiceUnavailable"})
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.MaxRetries = 2 })
	c.backoff = backoff{base: time.Millisecond, max: 2 * time.Millisecond}
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
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 8)}})
	sim.InjectFault("cn-hangzhou", simulator.Fault{Status: 400, Code: "Throttling.User"})
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"}, func(o *Options) { o.MaxRetries = 10 })
	c.backoff = backoff{base: time.Hour, max: time.Hour}
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
