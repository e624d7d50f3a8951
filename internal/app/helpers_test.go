package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/go-kit/log"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Made-up credentials that open nothing but the simulator.
const (
	testKey    = "LTAItestkey"
	testSecret = "testsecret"
)

// pinEnv keeps the vendor credential chain on this machine: no metadata
// server, no CLI profile, an empty home, no key in the environment, no
// proxies.
func pinEnv(t *testing.T) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	for k, v := range map[string]string{
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "", "ALIBABA_CLOUD_SECURITY_TOKEN": "",
		"ALIBABA_CLOUD_CREDENTIALS_FILE": "", "HTTP_PROXY": "", "HTTPS_PROXY": "", "http_proxy": "", "https_proxy": "",
	} {
		t.Setenv(k, v)
	}
}

// startSimulator runs an account of the given fleets, opened by testKey,
// on a loopback port until the test ends, and returns its base URL.
func startSimulator(t *testing.T, fleets map[string][]simulator.Instance) string {
	t.Helper()
	sim := simulator.New(simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     fleets,
	})
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
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
func newApp(t *testing.T, args ...string) (*App, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
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
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	out := map[string]float64{}
	for _, m := range mfs[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out[l.GetValue()] = m.GetGauge().GetValue()
			}
		}
	}
	return out
}

// lockedBuffer collects a log while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
