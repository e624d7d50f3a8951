package handler_test

// The fault suite: the whole exporter (the real aliyun.Client and vendor SDK,
// the collector.Exporter, the /metrics handler) against internal/simulator,
// with three regions of which one misbehaves. Each case checks what a user
// relies on: /metrics answers 200, the healthy regions are complete and
// exact, the faulty one reports the right code, nothing panics, no goroutine
// outlives the case, and the heap does not keep what the case allocated.
//
// The cases are grouped by kind of fault, one Test function each
// (faults_*_test.go); every case logs one row of the table reported with
// issue 5. Run
//
//	go test -run 'TestFaultSuite' -v ./internal/handler | grep '| '
//
// to print it.

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
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
	// bodyCap: the faulty region answers with oversize bytes; check that
	// the client read no more than its cap of them.
	bodyCap bool

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

// runFaultSuite runs cases one after the other and logs their table.
func runFaultSuite(t *testing.T, cases []faultCase) {
	t.Helper()
	var rows []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { rows = append(rows, runFaultCase(t, tc)) })
	}
	t.Logf("fault suite table (%d cases):\n| case | HTTP | faulty region | code | healthy regions | faulty-region API calls | panics | leaked goroutines | heap retained | allocated |\n|---|---|---|---|---|---|---|---|---|---|\n%s",
		len(rows), strings.Join(rows, "\n"))
}

// runFaultCase runs one case, checks that it leaked no goroutine and left
// no heap behind, and returns its table row.
func runFaultCase(t *testing.T, tc faultCase) string {
	testenv.PinEnv(t)
	if tc.region == "" {
		tc.region = faulty
	}
	ignore := goleak.IgnoreCurrent()
	before := heapAfterGC()

	problems := runFaultCaseBody(t, tc)

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
	if tc.bodyCap {
		checkBodyCap(problems, int64(allocated))
	}
	row := problems.row
	if len(problems.list) > 0 {
		row.state += " — FAILED"
	}
	problems.report(t)
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |",
		tc.name, row.http, row.state, row.code, row.healthy, row.calls, row.panics, leaked,
		mib(retained), mib(int64(allocated)))
}

// checkBodyCap checks what a case with an oversized answer allocated. The
// simulator builds the answer in memory (padJSON: the padding, then the
// body: 2×oversize). The client reads at most bodyLimit of it; its JSON
// decoder's buffer doubles on the way, which allocates about 4×bodyLimit in
// all. 6×bodyLimit leaves room for the rest of the case. A client that read
// the whole answer would allocate at least 4×oversize instead.
func checkBodyCap(p *problemList, allocated int64) {
	if client := allocated - 2*oversize; client > 6*bodyLimit {
		p.addf("the client allocated about %s for a %s answer, more than 6×%s: the body cap did not hold",
			mib(client), mib(oversize), mib(bodyLimit))
	}
}

// problemList collects a case's failures, and its table row.
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
