package simulator

import (
	"context"
	"testing"
	"time"
)

func TestOverTheRateLimitACallIsThrottled(t *testing.T) {
	const region = "cn-hangzhou"
	fixed := time.Now() // a still clock: the bucket never refills during the test
	s, endpoint := startServer(t, Config{
		Regions:   map[string][]Instance{region: GenerateFleet(region, 3, 1), "cn-shanghai": nil},
		RateLimit: map[string]float64{region: 1},
		Now:       func() time.Time { return fixed },
	})
	c := newClient(t, endpoint, clientOpts{})
	mustDescribe(t, c, statusQuery{region: region})
	_, err := describe(context.Background(), c, statusQuery{region: region})
	wantAPIError(t, err, "Throttling.User", 400)
	if st := s.Stats(region); st.Calls != 2 || st.Throttled != 1 || st.Errors != 1 {
		t.Errorf("Stats = %+v, want 2 calls, 1 throttled, 1 error", st)
	}
	// Another region has no limit ("" default absent): it is not throttled.
	for range 3 {
		mustDescribe(t, c, statusQuery{region: "cn-shanghai"})
	}
	// A call that fails authentication does not take a token, nor is it throttled.
	bad := newClient(t, endpoint, clientOpts{key: testKey, secret: "wrong"})
	_, err = describe(context.Background(), bad, statusQuery{region: region})
	wantAPIError(t, err, "SignatureDoesNotMatch", 400)
}

func TestTheDefaultRateLimitAppliesToEveryRegion(t *testing.T) {
	fixed := time.Now()
	s, endpoint := startServer(t, Config{
		Regions:   map[string][]Instance{"cn-hangzhou": nil, "cn-shanghai": nil},
		RateLimit: map[string]float64{"": 2.5, "cn-shanghai": 0}, // burst 3; cn-shanghai unlimited
		Now:       func() time.Time { return fixed },
	})
	c := newClient(t, endpoint, clientOpts{})
	for range 5 {
		_, _ = describe(context.Background(), c, statusQuery{region: "cn-hangzhou"})
		_, _ = describe(context.Background(), c, statusQuery{region: "cn-shanghai"})
	}
	if got := s.Stats("cn-hangzhou").Throttled; got != 2 {
		t.Errorf("cn-hangzhou throttled %d of 5 calls, want 2 (burst ceil(2.5) = 3)", got)
	}
	if got := s.Stats("cn-shanghai").Throttled; got != 0 {
		t.Errorf("cn-shanghai throttled %d calls, want 0", got)
	}
	if got := s.Stats("").Throttled; got != 2 {
		t.Errorf("total throttled %d, want 2", got)
	}
}
