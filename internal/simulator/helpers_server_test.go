package simulator

import (
	"strings"
	"testing"
	"time"
)

// Made-up keys: they open nothing but the simulator.
const (
	testKey    = "LTAItestkey"
	testSecret = "testsecret"
	stsKey     = "STS.testkey"
	stsSecret  = "stssecret"
	stsToken   = "test-sts-token"
)

// testCredentials are the keys most tests' servers accept.
func testCredentials() map[string]Credential {
	return map[string]Credential{
		testKey: {Secret: testSecret},
		stsKey:  {Secret: stsSecret, SecurityToken: stsToken},
	}
}

// startServer runs a simulator on a loopback port for the test's lifetime
// and returns it with its host:port.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Credentials == nil {
		cfg.Credentials = testCredentials()
	}
	s := New(cfg)
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, strings.TrimPrefix(base, "http://")
}

// fleetIDs lists instances' IDs.
func fleetIDs(list []Instance) []string {
	ids := make([]string, len(list))
	for i, in := range list {
		ids[i] = in.ID
	}
	return ids
}

// waitFor polls cond until it holds, failing the test after five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
