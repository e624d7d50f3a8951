package handler_test

// The fault suite: the whole exporter (the real aliyun.Client and vendor SDK,
// the Exporter, the /metrics Handler) against internal/simulator, with three
// regions of which one misbehaves. Each case checks what a user relies on:
// /metrics answers 200, the healthy regions are complete and exact, the
// faulty one reports the right code, nothing panics, no goroutine outlives
// the case, and the heap does not keep what the case allocated.
//
// Every case logs one row of the table reported with issue 5; run
//
//	go test -run 'TestFaultSuite' -v ./internal/handler | grep '| '
//
// to print it.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"
)

// Made-up credentials: they open nothing but the simulator.
const (
	faultKey      = "LTAIfaultsuite"
	faultSecret   = "fault-suite-secret"
	faultSTSKey   = "STS.faultsuite"
	faultSTSToken = "fault-suite-sts-token"
)

// The healthy regions and the usual faulty one. Page size 20 gives every
// region several pages, so faults can land mid-sweep.
const (
	healthyA  = "cn-hangzhou"
	healthyB  = "eu-central-1"
	faulty    = "cn-shanghai"
	pageSize  = 20
	maxRetry  = 3
	oversize  = 32 << 20 // bytes the oversized answer is padded to
	bodyLimit = 8 << 20  // the client's cap on one response (aliyun/transport.go maxBodyBytes)
)

// knownStatuses mirrors collector.KnownStatuses for the exactness checks.
var knownStatuses = collector.KnownStatuses

// pinChain keeps the vendor credential chain and the HTTP stack on this
// machine, although these tests use static credentials only.
func pinChain(t *testing.T) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
		"ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CREDENTIALS_FILE"} {
		t.Setenv(v, "")
	}
}

// faultCase is one row of the suite.
type faultCase struct {
	name string
	// region is the faulty region's name (default faulty); a region the
	// simulator lacks is an invalid region.
	region string
	// config adjusts the simulated account before it starts; sim is set
	// by the time any hook in it runs.
	config func(cfg *simulator.Config, sim **simulator.Server)
	// inject adds faults once the simulator runs.
	inject func(sim *simulator.Server)
	// front, when set, puts something between the client and the
	// simulator at base and returns the URL the client uses instead, and
	// how to stop it.
	front func(t *testing.T, base string) (string, func())
	// key, secret, token are the client's credential (default faultKey,
	// faultSecret, no token).
	key, secret, token string
	zones              map[string][]string
	maxInflight        int
	timeoutHeader      string // X-Prometheus-Scrape-Timeout-Seconds, "" = none
	// primed: scrape once cleanly, then inject, then scrape again (stale
	// serving within --collector.max-staleness).
	primed bool

	// wantCode is the faulty region's ecs_scrape_errors_total code; ""
	// means the region must end up complete (retries absorbed the fault).
	wantCode string
	// allRegions: the fault hits every region (one credential signs for
	// all of them), so every region must fail with wantCode.
	allRegions bool
	// retriedCode, for a recovered region, is the code the absorbed
	// failures must show in ecs_api_requests_total.
	retriedCode string
	// mutating: the fleet changes during the sweep. Every instance that
	// existed throughout must be there exactly once with its status; the
	// next scrape must equal the fleet exactly.
	mutating bool
}

func TestFaultSuite(t *testing.T) {
	cases := []faultCase{
		// A region the account lacks: the API's own 404 code.
		{name: "invalid region", region: "xx-nowhere-1", wantCode: "InvalidRegionId.NotFound"},
		// A zone the region lacks: the API's own 404 code.
		{name: "invalid zone", zones: map[string][]string{faulty: {faulty + "-z"}}, wantCode: "InvalidZoneId.NotFound"},
		// Credential faults: one credential signs for every region, so
		// every region fails, each with the API's code (not retried: 4xx).
		{name: "unknown access key", key: "LTAIunknownkey", secret: faultSecret, allRegions: true, wantCode: "InvalidAccessKeyId.NotFound"},
		{name: "wrong secret", key: faultKey, secret: "not-the-secret", allRegions: true, wantCode: "SignatureDoesNotMatch"},
		{name: "expired STS token", key: faultSTSKey, secret: faultSecret, token: faultSTSToken, allRegions: true, wantCode: "InvalidSecurityToken.Expired",
			config: func(cfg *simulator.Config, _ **simulator.Server) {
				cfg.Credentials[faultSTSKey] = simulator.Credential{Secret: faultSecret, SecurityToken: faultSTSToken, Expired: true}
			}},
		{name: "malformed STS token", key: faultSTSKey, secret: faultSecret, token: "not-the-token", allRegions: true, wantCode: "InvalidSecurityToken.Malformed"},
		// A storm: the region's real rate limiter at 1 request/s on a
		// clock that stands still, so after page 1 every call is
		// throttled. The client slows down and retries until the scrape's
		// deadline (2s header less the offset), and the region reports the
		// API's code, not "timeout": the throttling is what ended it.
		{name: "throttling storm", wantCode: "Throttling.User", timeoutHeader: "2",
			config: func(cfg *simulator.Config, _ **simulator.Server) {
				frozen := time.Now()
				cfg.Now = func() time.Time { return frozen }
				cfg.RateLimit = map[string]float64{faulty: 1}
			}},
		// Every third call is a 503: retries absorb it, the region is
		// complete and the 503s show in ecs_api_requests_total.
		{name: "every third call answers 503", retriedCode: "ServiceUnavailable",
			inject: func(sim *simulator.Server) {
				sim.InjectFault(faulty, simulator.Fault{Every: 3, Status: 503, Code: "ServiceUnavailable"})
			}},
		// A 5xx burst shorter than the retry budget is absorbed ...
		{name: "5xx burst within the retry budget", retriedCode: "InternalError",
			inject: func(sim *simulator.Server) {
				sim.InjectFault(faulty, simulator.Fault{Times: maxRetry, Status: 500, Code: "InternalError"})
			}},
		// ... a longer one ends the region with the API's code.
		{name: "5xx burst past the retry budget", wantCode: "InternalError",
			inject: func(sim *simulator.Server) {
				sim.InjectFault(faulty, simulator.Fault{Times: 50, Status: 500, Code: "InternalError"})
			}},
		// The region answers after the scrape's deadline (2s header less
		// the 500ms offset): "timeout", and the healthy regions are
		// unaffected.
		{name: "latency past the scrape deadline", timeoutHeader: "2", wantCode: aliyun.CodeTimeout,
			config: func(cfg *simulator.Config, _ **simulator.Server) {
				cfg.Latency = map[string]time.Duration{faulty: time.Minute}
			}},
		// After page 1 an instance appears at the head, so every later
		// page starts with the previous page's last item: the overlap is
		// de-duplicated. Pages are fetched one at a time here.
		{name: "list shifts between pages (head insert)", mutating: true, maxInflight: 1,
			config: func(cfg *simulator.Config, sim **simulator.Server) {
				var once sync.Once
				cfg.OnRequest = func(region string, page int) {
					if region == faulty && page == 2 {
						once.Do(func() {
							(*sim).Insert(faulty, simulator.Instance{ID: "i-inserted-at-head", Zone: faulty + "-a", Status: "Pending"}, true)
						})
					}
				}
			}},
		// The same head insert with pages fetched concurrently, in an order
		// a loaded network can produce: page 3 is answered before the
		// insert, page 2 after it. The instance that was last on page 2
		// moves to page 3's first slot, which was already read. (Before
		// sweeps re-paged a listing whose TotalCount changed, this lost
		// an instance every time.)
		{name: "list shifts while pages are fetched concurrently", mutating: true,
			config: func(cfg *simulator.Config, sim **simulator.Server) {
				var once sync.Once
				cfg.OnRequest = func(region string, page int) {
					if region == faulty && page == 2 {
						once.Do(func() {
							(*sim).Insert(faulty, simulator.Instance{ID: "i-inserted-at-head", Zone: faulty + "-a", Status: "Pending"}, true)
						})
					}
				}
			},
			front: holdPageUntilAnswered(faulty, 2, 3)},
		// TotalCount grows mid-sweep (25 instances appended while the last
		// original page is requested): the new pages are fetched too.
		{name: "TotalCount grows mid-sweep", mutating: true,
			config: func(cfg *simulator.Config, sim **simulator.Server) {
				var once sync.Once
				last := (len(cfg.Regions[faulty]) + pageSize - 1) / pageSize
				cfg.OnRequest = func(region string, page int) {
					if region == faulty && page == last {
						once.Do(func() {
							for i := range 25 {
								(*sim).Insert(faulty, simulator.Instance{ID: fmt.Sprintf("i-appended-%02d", i), Zone: faulty + "-b", Status: "Starting"}, false)
							}
						})
					}
				}
			}},
		// TotalCount shrinks mid-sweep: the listing's first instance is
		// deleted after page 1, so every later page shifts up by one and
		// the instance that was first on page 2 moves to page 1, which was
		// already read. It still exists and must not be lost. (Lost every
		// time before sweeps re-paged a changed listing.)
		{name: "TotalCount shrinks mid-sweep (head delete)", mutating: true, maxInflight: 1,
			config: func(cfg *simulator.Config, sim **simulator.Server) {
				var once sync.Once
				cfg.OnRequest = func(region string, page int) {
					if region == faulty && page == 2 {
						once.Do(func() { (*sim).Remove(faulty, (*sim).Instances(faulty)[0].ID) })
					}
				}
			}},
		// Bodies that are not the API's JSON, with status 200: "decode".
		{name: "malformed JSON", wantCode: aliyun.CodeDecode,
			inject: func(sim *simulator.Server) {
				sim.InjectFault(faulty, simulator.Fault{Body: []byte(`{"TotalCount": 3,, "InstanceStatuses": {}}`), ContentType: "application/json"})
			}},
		// A body cut off mid-way (retried as a transport failure, then
		// reported as "decode": a response arrived that was not the API's).
		{name: "truncated body", wantCode: aliyun.CodeDecode,
			inject: func(sim *simulator.Server) { sim.InjectFault(faulty, simulator.Fault{Truncate: true}) }},
		// Valid JSON padded past the client's 8 MiB cap: refused, "decode".
		{name: "oversized body", wantCode: aliyun.CodeDecode,
			inject: func(sim *simulator.Server) { sim.InjectFault(faulty, simulator.Fault{Oversize: oversize}) }},
		// A proxy's HTML error page (502, text/html): "decode", after
		// retries (it is a 5xx).
		{name: "HTML error page from a proxy", wantCode: aliyun.CodeDecode,
			inject: func(sim *simulator.Server) {
				sim.InjectFault(faulty, simulator.Fault{Status: 502, ContentType: "text/html",
					Body: []byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>")})
			}},
		// The connection is reset (RST) on every attempt: "network".
		{name: "connection reset", wantCode: aliyun.CodeNetwork,
			inject: func(sim *simulator.Server) { sim.InjectFault(faulty, simulator.Fault{Reset: true}) }},
		// Bounded stale serving: the region swept fine once, then fails
		// (connection resets); within --collector.max-staleness its last
		// result is served again, with ecs_up 0 and the error counted.
		{name: "failed region within max-staleness (stale)", primed: true, wantCode: aliyun.CodeNetwork,
			inject: func(sim *simulator.Server) { sim.InjectFault(faulty, simulator.Fault{Reset: true}) }},
	}
	var rows []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runFaultCase(t, tc, &rows) })
	}
	t.Logf("fault suite table (%d cases):\n| case | HTTP | faulty region | code | healthy regions | faulty-region API calls | panics | leaked goroutines | heap retained | allocated |\n|---|---|---|---|---|---|---|---|---|---|\n%s",
		len(rows), strings.Join(rows, "\n"))
}

// faultRun is what one case observed.
type faultRun struct {
	status    int
	body      []byte
	families  map[string]*dto.MetricFamily
	logs      string
	recovered int64 // panics recovered from the handler
}

// runFaultCase runs one case and appends its table row to rows.
func runFaultCase(t *testing.T, tc faultCase, rows *[]string) {
	pinChain(t)
	if tc.region == "" {
		tc.region = faulty
	}
	regions := []string{healthyA, healthyB, tc.region}
	fleets := map[string][]simulator.Instance{
		healthyA: simulator.GenerateFleet(healthyA, 137, 1),
		healthyB: simulator.GenerateFleet(healthyB, 45, 2),
		faulty:   simulator.GenerateFleet(faulty, 90, 3),
	}

	ignore := goleak.IgnoreCurrent()
	before := heapAfterGC()

	problems := runFaultCaseBody(t, tc, regions, fleets)

	after := heapAfterGC()
	leaked := 0
	if err := goleak.Find(ignore); err != nil {
		leaked = strings.Count(err.Error(), "Goroutine ")
		problems.addf("goroutines outlived the case: %v", err)
	}
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	allocated := after.TotalAlloc - before.TotalAlloc
	// Everything the case built is closed by now; a retained response
	// body would be at least the client's cap, so 4 MiB is a generous
	// bound that still catches one.
	if retained > 4<<20 {
		problems.addf("the heap kept %d bytes after the case", retained)
	}
	// The simulator builds the oversized answer in memory (padJSON: the
	// padding, then the body: 2×oversize). The client reads at most
	// bodyLimit of it; its JSON decoder's buffer doubles on the way, which
	// allocates about 4×bodyLimit in all. 6×bodyLimit leaves room for the
	// rest of the case. A client that read the whole answer would allocate
	// at least 4×oversize instead.
	if tc.name == "oversized body" {
		if client := int64(allocated) - 2*oversize; client > 6*bodyLimit {
			problems.addf("the client allocated about %s for a %s answer, more than 6×%s: the body cap did not hold",
				mib(client), mib(oversize), mib(bodyLimit))
		}
	}
	row := problems.row
	if len(problems.list) > 0 {
		row.state += " — FAILED"
	}
	*rows = append(*rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |",
		tc.name, row.http, row.state, row.code, row.healthy, row.calls, row.panics, leaked,
		mib(retained), mib(int64(allocated))))
	problems.report(t)
}

// problemList collects a case's failures so that a case waiting for a
// product fix can be skipped (with what it saw) instead of failing.
type problemList struct {
	list []string
	row  tableRow
}

type tableRow struct {
	http, state, code, healthy, calls string
	panics                            int
}

func (p *problemList) addf(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problemList) report(t *testing.T) {
	t.Helper()
	for _, s := range p.list {
		t.Error(s)
	}
}

func runFaultCaseBody(t *testing.T, tc faultCase, regions []string, fleets map[string][]simulator.Instance) *problemList {
	p := &problemList{}
	cfg := simulator.Config{
		Credentials: map[string]simulator.Credential{
			faultKey:    {Secret: faultSecret},
			faultSTSKey: {Secret: faultSecret, SecurityToken: faultSTSToken},
		},
		Regions: fleets,
	}
	var sim *simulator.Server
	if tc.config != nil {
		tc.config(&cfg, &sim)
	}
	sim = simulator.New(cfg)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	if tc.front != nil {
		var stop func()
		base, stop = tc.front(t, base)
		defer stop()
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
		Regions: regions, Credential: cred, Endpoint: endpoint, PageSize: pageSize,
		MaxRetries: maxRetry, MaxInflight: tc.maxInflight, Observer: requests,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	var logBuf syncBuffer
	logger := log.NewLogfmtLogger(&logBuf)
	exp := collector.New(client, collector.Options{
		Regions: regions, Zones: tc.zones, MaxStaleness: 10 * time.Minute, Logger: logger,
	})
	defer exp.Close()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(requests, exp)

	var panics atomic.Int64
	h := handler.Metrics(exp, handler.Options{Timeout: 10 * time.Second, Offset: 500 * time.Millisecond, Gatherer: reg, Logger: logger})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				panics.Add(1)
				panic(v)
			}
		}()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer hc.CloseIdleConnections()

	var first *faultRun
	if tc.primed {
		first = scrapeOnce(t, hc, srv.URL, tc.timeoutHeader)
		if first.status != http.StatusOK {
			t.Fatalf("priming scrape: HTTP %d", first.status)
		}
		checkExact(p, first.families, faulty, sim.Instances(faulty))
	}
	if tc.inject != nil {
		tc.inject(sim)
	}
	// The fleets as they are before the scrape: the ground truth.
	truth := map[string][]simulator.Instance{}
	for _, r := range regions {
		truth[r] = sim.Instances(r)
	}
	run := scrapeOnce(t, hc, srv.URL, tc.timeoutHeader)
	run.logs = logBuf.String()
	p.row.panics = int(panics.Load())
	p.row.http = fmt.Sprint(run.status)
	if run.status != http.StatusOK {
		p.addf("GET /metrics: HTTP %d, want 200\n%s", run.status, run.body)
		return p
	}
	if strings.Contains(run.logs, "serving metrics") {
		p.addf("the handler logged an error while serving:\n%s", run.logs)
	}

	up := seriesBy(run.families, "ecs_up", "region")
	errs := seriesBy(run.families, "ecs_scrape_errors_total", "region", "code")
	status := seriesBy(run.families, "ecs_instance_status", "instance_id", "region", "status")
	calls := seriesBy(run.families, "ecs_api_requests_total", "action", "region", "code")
	p.row.calls = callSummary(calls, tc.region)

	// Healthy regions: complete and exact (unless one credential fails
	// them all).
	var healthy []string
	for _, r := range regions[:2] {
		if tc.allRegions {
			checkFailed(p, up, errs, status, r, tc.wantCode)
			continue
		}
		if up[r] != 1 {
			p.addf("healthy region %s: ecs_up = %g, want 1", r, up[r])
		}
		if n := checkExact(p, run.families, r, truth[r]); n >= 0 {
			healthy = append(healthy, fmt.Sprintf("%s %d/%d", r, n, len(truth[r])))
		} else {
			healthy = append(healthy, fmt.Sprintf("%s NOT exact (ecs_up %g)", r, up[r]))
		}
		for k := range errs {
			if strings.HasPrefix(k, r+" ") {
				p.addf("healthy region %s counted a scrape error: %s", r, k)
			}
		}
	}
	p.row.healthy = strings.Join(healthy, ", ")
	if tc.allRegions {
		p.row.healthy = "all fail (one credential signs every region)"
	}

	switch {
	case tc.wantCode != "" && tc.primed:
		// Stale: ecs_up 0, the error counted, the last result served.
		checkUpAndCode(p, up, errs, tc.region, tc.wantCode)
		if n := checkExact(p, run.families, tc.region, first.fleet(tc.region)); n >= 0 {
			p.row.state = fmt.Sprintf("ecs_up 0, stale: %d instances re-emitted", n)
		}
		if _, ok := seriesBy(run.families, "ecs_last_success_timestamp_seconds", "region")[tc.region]; !ok {
			p.addf("%s: no ecs_last_success_timestamp_seconds while serving its stale result", tc.region)
		}
		p.row.code = tc.wantCode
	case tc.wantCode != "":
		checkFailed(p, up, errs, status, tc.region, tc.wantCode)
		p.row.state = "ecs_up 0, no instance series"
		p.row.code = tc.wantCode
	case tc.mutating:
		p.row.state = checkShifted(p, run.families, tc.region, truth[tc.region], sim.Instances(tc.region))
		if up[tc.region] != 1 {
			p.addf("%s: ecs_up = %g, want 1", tc.region, up[tc.region])
		}
		// With the fleet still, the next scrape is exact.
		again := scrapeOnce(t, hc, srv.URL, tc.timeoutHeader)
		if n := checkExact(p, again.families, tc.region, sim.Instances(tc.region)); n >= 0 {
			p.row.state += fmt.Sprintf("; next scrape exact (%d)", n)
		}
		p.row.code = "none"
	default:
		// Retried and recovered.
		if up[tc.region] != 1 {
			p.addf("%s: ecs_up = %g, want 1 (retries should absorb the fault)", tc.region, up[tc.region])
		}
		if n := checkExact(p, run.families, tc.region, truth[tc.region]); n >= 0 {
			p.row.state = fmt.Sprintf("ecs_up 1, complete (%d)", n)
		}
		if got := calls[aliyun.ActionDescribeInstanceStatus+" "+tc.region+" "+tc.retriedCode]; got < 1 {
			p.addf("%s: ecs_api_requests_total shows no %s attempts: %v", tc.region, tc.retriedCode, calls)
		}
		for k := range errs {
			if strings.HasPrefix(k, tc.region+" ") {
				p.addf("%s recovered but counted a scrape error: %s", tc.region, k)
			}
		}
		p.row.code = "none (" + tc.retriedCode + " retried)"
	}
	if p.row.panics != 0 {
		p.addf("%d panics in the handler", p.row.panics)
	}
	return p
}

// holdPageUntilAnswered returns a front for the simulator: a reverse proxy
// that holds the region's request for page held until the answer to page
// first has gone back to the client (or 10s have passed, in case the client
// never asks for it). The signature stays valid: the proxy keeps the Host
// the client signed.
func holdPageUntilAnswered(region string, held, first int) func(t *testing.T, base string) (string, func()) {
	return func(t *testing.T, base string) (string, func()) {
		target, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.Transport = &http.Transport{Proxy: nil}
		answered := make(chan struct{})
		var once sync.Once
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			page, _ := strconv.Atoi(q.Get("PageNumber"))
			if q.Get("RegionId") == region && page == held {
				select {
				case <-answered:
				case <-time.After(10 * time.Second):
					t.Logf("page %d was never asked for; page %d goes on", first, held)
				case <-r.Context().Done():
					return
				}
			}
			proxy.ServeHTTP(w, r)
			if q.Get("RegionId") == region && page == first {
				once.Do(func() { close(answered) })
			}
		}))
		return srv.URL, func() {
			srv.Close()
			proxy.Transport.(*http.Transport).CloseIdleConnections()
		}
	}
}

// scrapeOnce GETs /metrics and parses the answer.
func scrapeOnce(t *testing.T, hc *http.Client, base, timeoutHeader string) *faultRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if timeoutHeader != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", timeoutHeader)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading /metrics: %v", err)
	}
	run := &faultRun{status: resp.StatusCode, body: body}
	if resp.StatusCode == http.StatusOK {
		tp := expfmt.NewTextParser(model.UTF8Validation)
		run.families, err = tp.TextToMetricFamilies(bytes.NewReader(body))
		if err != nil {
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

// checkExact checks that region's state sets are exactly fleet: every
// instance with its status at 1 and the other known statuses at 0, and no
// other instance. It returns the number of instances seen, or -1 after a
// problem.
func checkExact(p *problemList, mfs map[string]*dto.MetricFamily, region string, fleet []simulator.Instance) int {
	n := len(p.list)
	got := statesOf(mfs, region)
	want := map[string]string{}
	for _, in := range fleet {
		want[in.ID] = in.Status
	}
	for id, states := range got {
		s, ok := want[id]
		if !ok {
			p.addf("%s: instance %s is not in the fleet", region, id)
			continue
		}
		checkStateSet(p, region, id, s, states)
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			p.addf("%s: instance %s is missing", region, id)
		}
	}
	if len(p.list) > n {
		return -1
	}
	return len(got)
}

// checkShifted checks a region whose fleet changed mid-sweep: every
// instance in both before and after (it existed throughout) is there with
// its status; anything else must be in one of them. It returns the state
// column.
func checkShifted(p *problemList, mfs map[string]*dto.MetricFamily, region string, before, after []simulator.Instance) string {
	n := len(p.list)
	got := statesOf(mfs, region)
	inBefore, inAfter := map[string]string{}, map[string]string{}
	for _, in := range before {
		inBefore[in.ID] = in.Status
	}
	for _, in := range after {
		inAfter[in.ID] = in.Status
	}
	throughout := 0
	for id, s := range inBefore {
		if _, ok := inAfter[id]; !ok {
			continue
		}
		throughout++
		states, ok := got[id]
		if !ok {
			p.addf("%s: instance %s existed for the whole sweep and is missing", region, id)
			continue
		}
		checkStateSet(p, region, id, s, states)
	}
	created := 0
	for id, states := range got {
		s, ok := inAfter[id]
		if !ok {
			s, ok = inBefore[id]
		}
		if !ok {
			p.addf("%s: instance %s never existed", region, id)
			continue
		}
		if _, old := inBefore[id]; !old {
			created++
			checkStateSet(p, region, id, s, states)
		}
	}
	if len(p.list) > n {
		return fmt.Sprintf("ecs_up 1 but %d problems", len(p.list)-n)
	}
	return fmt.Sprintf("ecs_up 1, all %d that existed throughout once; %d of %d created mid-sweep", throughout, created, len(after)-throughout)
}

// statesOf maps instance ID to its status series (status → value).
func statesOf(mfs map[string]*dto.MetricFamily, region string) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	mf, ok := mfs["ecs_instance_status"]
	if !ok {
		return out
	}
	for _, m := range mf.GetMetric() {
		l := labelMap(m)
		if l["region"] != region {
			continue
		}
		if out[l["instance_id"]] == nil {
			out[l["instance_id"]] = map[string]float64{}
		}
		out[l["instance_id"]][l["status"]] = m.GetGauge().GetValue()
	}
	return out
}

func checkStateSet(p *problemList, region, id, status string, states map[string]float64) {
	want := map[string]float64{}
	for _, k := range knownStatuses {
		want[k] = 0
	}
	want[status] = 1
	if len(states) != len(want) {
		p.addf("%s %s: %d status series, want %d", region, id, len(states), len(want))
	}
	for k, v := range want {
		if got, ok := states[k]; !ok || got != v {
			p.addf("%s %s: status %s = %g (present %v), want %g", region, id, k, got, ok, v)
		}
	}
}

// checkFailed checks a failed region with no stale result: ecs_up 0, the
// error counted once under code, and no instance series.
func checkFailed(p *problemList, up, errs, status map[string]float64, region, code string) {
	checkUpAndCode(p, up, errs, region, code)
	for k := range status {
		if strings.Split(k, " ")[1] == region {
			p.addf("%s failed but exposes %s", region, k)
			return
		}
	}
}

func checkUpAndCode(p *problemList, up, errs map[string]float64, region, code string) {
	if v, ok := up[region]; !ok || v != 0 {
		p.addf("%s: ecs_up = %g (present %v), want 0", region, v, ok)
	}
	var codes []string
	for k, v := range errs {
		if c, ok := strings.CutPrefix(k, region+" "); ok {
			codes = append(codes, fmt.Sprintf("%s=%g", c, v))
		}
	}
	sort.Strings(codes)
	if want := []string{code + "=1"}; !slices.Equal(codes, want) {
		p.addf("%s: ecs_scrape_errors_total codes %v, want %v", region, codes, want)
	}
}

// callSummary lists the region's API attempts by code.
func callSummary(calls map[string]float64, region string) string {
	var out []string
	for k, v := range calls {
		parts := strings.Split(k, " ")
		if parts[1] == region {
			out = append(out, fmt.Sprintf("%s×%g", parts[2], v))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// seriesBy returns values by the space-joined values of keys.
func seriesBy(mfs map[string]*dto.MetricFamily, name string, keys ...string) map[string]float64 {
	out := map[string]float64{}
	mf, ok := mfs[name]
	if !ok {
		return out
	}
	for _, m := range mf.GetMetric() {
		l := labelMap(m)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = l[k]
		}
		v := m.GetGauge().GetValue()
		if m.GetCounter() != nil {
			v = m.GetCounter().GetValue()
		}
		out[strings.Join(parts, " ")] = v
	}
	return out
}

func labelMap(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// heapAfterGC reads the memory statistics after a full collection (twice,
// so that sync.Pool's victim cache is emptied too).
func heapAfterGC() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
