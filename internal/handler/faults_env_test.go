package handler_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// faultEnv is one case's exporter: the simulator (behind the case's front,
// if any), an aliyun.Client, a collector.Exporter and its /metrics handler
// on a test server. close stops all of it.
type faultEnv struct {
	regions []string
	sim     *simulator.Server
	url     string // the /metrics server
	hc      *http.Client
	logs    testenv.LockedBuffer
	panics  atomic.Int64
	closers []func()
}

// close stops what start started, last first.
func (env *faultEnv) close() {
	for _, c := range slices.Backward(env.closers) {
		c()
	}
}

// start builds the case's exporter; call close (deferred) even when it fails.
func (env *faultEnv) start(t *testing.T, tc faultCase) {
	t.Helper()
	env.regions = []string{healthyA, healthyB, tc.region}
	base := env.startSimulator(t, tc)
	if tc.front != nil {
		var stop func()
		base, stop = tc.front(t, base)
		env.closers = append(env.closers, stop)
	}
	endpoint, _ := url.Parse(base)
	key, secret := tc.key, tc.secret
	if key == "" {
		key, secret = faultKey, faultSecret
	}
	cred, err := aliyun.StaticCredential(key, secret, tc.token)
	if err != nil {
		t.Fatal(err)
	}
	requests := collector.NewRequestMetrics()
	client, err := aliyun.New(aliyun.Options{
		Regions: env.regions, Credential: cred, Endpoint: endpoint, PageSize: pageSize,
		MaxRetries: maxRetry, MaxInflight: tc.maxInflight, Observer: requests.ForAccount(handler.DefaultAccount),
	})
	if err != nil {
		t.Fatal(err)
	}
	env.closers = append(env.closers, client.Close)
	logger := log.NewLogfmtLogger(&env.logs)
	exp := collector.New(client, collector.Options{
		Regions: env.regions, Zones: tc.zones, MaxStaleness: 10 * time.Minute, Logger: logger,
	})
	env.closers = append(env.closers, exp.Close)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(requests, exp)
	env.serve(handler.Metrics(exp, handler.Options{Timeout: 10 * time.Second, Offset: 500 * time.Millisecond, Gatherer: reg, Logger: logger}))
}

// startSimulator starts the simulated account of the case and returns its
// URL.
func (env *faultEnv) startSimulator(t *testing.T, tc faultCase) string {
	t.Helper()
	cfg := simulator.Config{
		Credentials: map[string]simulator.Credential{
			faultKey:    {Secret: faultSecret},
			faultSTSKey: {Secret: faultSecret, SecurityToken: faultSTSToken},
		},
		Regions: map[string][]simulator.Instance{
			healthyA: simulator.GenerateFleet(healthyA, 137, 1),
			healthyB: simulator.GenerateFleet(healthyB, 45, 2),
			faulty:   simulator.GenerateFleet(faulty, 90, 3),
		},
	}
	if tc.config != nil {
		tc.config(&cfg, &env.sim)
	}
	env.sim = simulator.New(cfg)
	base, err := env.sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env.closers = append(env.closers, func() { env.sim.Close() })
	return base
}

// serve puts h on a test server that counts the panics it recovers.
func (env *faultEnv) serve(h http.Handler) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				env.panics.Add(1)
				panic(v)
			}
		}()
		h.ServeHTTP(w, r)
	}))
	env.url = srv.URL
	env.hc = &http.Client{Transport: &http.Transport{Proxy: nil}}
	env.closers = append(env.closers, srv.Close, env.hc.CloseIdleConnections)
}

// faultRun is what one scrape observed.
type faultRun struct {
	status   int
	body     []byte
	families map[string]*dto.MetricFamily
	logs     string
}

// scrape GETs /metrics and parses the answer.
func (env *faultEnv) scrape(t *testing.T, timeoutHeader string) *faultRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.url+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if timeoutHeader != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", timeoutHeader)
	}
	resp, err := env.hc.Do(req)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading /metrics: %v", err)
	}
	run := &faultRun{status: resp.StatusCode, body: body, logs: env.logs.String()}
	if resp.StatusCode == http.StatusOK {
		if run.families, err = testenv.ParseText(body); err != nil {
			t.Fatalf("parsing /metrics: %v", err)
		}
	}
	return run
}

// fleet is the instances a scrape exposed for region, with their status.
func (r *faultRun) fleet(region string) []simulator.Instance {
	var out []simulator.Instance
	for k, v := range seriesBy(r.families, "ecs_instance_status", "instance_id", "region", "status") {
		parts := strings.Split(k, " ")
		if parts[1] == region && v == 1 {
			out = append(out, simulator.Instance{ID: parts[0], Status: parts[2]})
		}
	}
	return out
}
