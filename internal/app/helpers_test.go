package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/go-kit/log"
)

// Made-up credentials that open nothing but the simulator.
const (
	testKey    = "LTAItestkey"
	testSecret = "testsecret"
)

// startSimulator runs an account of the given fleets, opened by testKey,
// on a loopback port until the test ends, and returns its base URL.
func startSimulator(t *testing.T, fleets map[string][]simulator.Instance) string {
	t.Helper()
	_, base := testenv.StartSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     fleets,
	})
	return base
}

// parse parses args as the command line, in the process environment.
func parse(t *testing.T, args ...string) *options.Options {
	t.Helper()
	o, err := options.Parse(args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// newApp builds the App of args, closed when the test ends, and returns it
// with its log.
func newApp(t *testing.T, args ...string) (*App, *testenv.LockedBuffer) {
	t.Helper()
	logs := &testenv.LockedBuffer{}
	a, err := New(context.Background(), parse(t, args...), log.NewLogfmtLogger(logs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, logs
}

// get serves GET path from h and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

// gauges parses an exposition and returns the samples of name, by the
// value of label.
func gauges(t *testing.T, body, name, label string) map[string]float64 {
	t.Helper()
	return testenv.Series(testenv.Parse(t, []byte(body)), name, label)
}
