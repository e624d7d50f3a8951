package handler_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// observed are a scrape's series the verdicts read, keyed by seriesBy.
type observed struct {
	up, errs, status, calls map[string]float64
}

func observe(run *faultRun) observed {
	return observed{
		up:     seriesBy(run.families, "ecs_up", "region"),
		errs:   seriesBy(run.families, "ecs_scrape_errors_total", "region", "code"),
		status: seriesBy(run.families, "ecs_instance_status", "instance_id", "region", "status"),
		calls:  seriesBy(run.families, "ecs_api_requests_total", "action", "region", "code"),
	}
}

// runFaultCaseBody starts the case's exporter, scrapes it (twice when
// primed), and checks the scrape by the kind of case.
func runFaultCaseBody(t *testing.T, tc faultCase) *problemList {
	p := &problemList{}
	env := &faultEnv{}
	defer env.close()
	env.start(t, tc)

	var first *faultRun
	if tc.primed {
		first = env.scrape(t, tc.timeoutHeader)
		if first.status != http.StatusOK {
			t.Fatalf("priming scrape: HTTP %d", first.status)
		}
		checkExact(p, first.families, faulty, env.sim.Instances(faulty))
	}
	if tc.inject != nil {
		tc.inject(env.sim)
	}
	// The fleets as they are before the scrape: the ground truth.
	truth := map[string][]simulator.Instance{}
	for _, r := range env.regions {
		truth[r] = env.sim.Instances(r)
	}
	run := env.scrape(t, tc.timeoutHeader)
	p.row.panics = int(env.panics.Load())
	p.row.http = fmt.Sprint(run.status)
	if run.status != http.StatusOK {
		p.addf("GET /metrics: HTTP %d, want 200\n%s", run.status, run.body)
		return p
	}
	if strings.Contains(run.logs, "serving metrics") {
		p.addf("the handler logged an error while serving:\n%s", run.logs)
	}
	seen := observe(run)
	p.row.calls = callSummary(seen.calls, tc.region)
	checkHealthy(p, tc, env.regions[:2], run, seen, truth)

	switch {
	case tc.wantCode != "" && tc.primed:
		checkStale(p, tc, run, seen, first)
	case tc.wantCode != "":
		checkFailed(p, seen.up, seen.errs, seen.status, tc.region, tc.wantCode)
		p.row.state = "ecs_up 0, no instance series"
		p.row.code = tc.wantCode
	case tc.mutating:
		checkMutated(t, p, tc, env, run, seen, truth[tc.region])
	default:
		checkRecovered(p, tc, run, seen, truth[tc.region])
	}
	if p.row.panics != 0 {
		p.addf("%d panics in the handler", p.row.panics)
	}
	return p
}

// checkHealthy checks the healthy regions: complete and exact, and no
// error counted (unless one credential fails them all).
func checkHealthy(p *problemList, tc faultCase, healthy []string, run *faultRun, seen observed, truth map[string][]simulator.Instance) {
	if tc.allRegions {
		for _, r := range healthy {
			checkFailed(p, seen.up, seen.errs, seen.status, r, tc.wantCode)
		}
		p.row.healthy = "all fail (one credential signs every region)"
		return
	}
	var cells []string
	for _, r := range healthy {
		if seen.up[r] != 1 {
			p.addf("healthy region %s: ecs_up = %g, want 1", r, seen.up[r])
		}
		if n := checkExact(p, run.families, r, truth[r]); n >= 0 {
			cells = append(cells, fmt.Sprintf("%s %d/%d", r, n, len(truth[r])))
		} else {
			cells = append(cells, fmt.Sprintf("%s NOT exact (ecs_up %g)", r, seen.up[r]))
		}
		for k := range seen.errs {
			if strings.HasPrefix(k, r+" ") {
				p.addf("healthy region %s counted a scrape error: %s", r, k)
			}
		}
	}
	p.row.healthy = strings.Join(cells, ", ")
}

// checkStale checks a failed region serving its last result: ecs_up 0, the
// error counted, the primed scrape's fleet served again.
func checkStale(p *problemList, tc faultCase, run *faultRun, seen observed, first *faultRun) {
	checkUpAndCode(p, seen.up, seen.errs, tc.region, tc.wantCode)
	if n := checkExact(p, run.families, tc.region, first.fleet(tc.region)); n >= 0 {
		p.row.state = fmt.Sprintf("ecs_up 0, stale: %d instances re-emitted", n)
	}
	if _, ok := seriesBy(run.families, "ecs_last_success_timestamp_seconds", "region")[tc.region]; !ok {
		p.addf("%s: no ecs_last_success_timestamp_seconds while serving its stale result", tc.region)
	}
	p.row.code = tc.wantCode
}

// checkMutated checks a region whose listing changed mid-sweep: complete
// for every instance that existed throughout, and exact at the next scrape.
func checkMutated(t *testing.T, p *problemList, tc faultCase, env *faultEnv, run *faultRun, seen observed, truth []simulator.Instance) {
	p.row.state = checkShifted(p, run.families, tc.region, truth, env.sim.Instances(tc.region))
	if seen.up[tc.region] != 1 {
		p.addf("%s: ecs_up = %g, want 1", tc.region, seen.up[tc.region])
	}
	// With the fleet still, the next scrape is exact.
	again := env.scrape(t, tc.timeoutHeader)
	if n := checkExact(p, again.families, tc.region, env.sim.Instances(tc.region)); n >= 0 {
		p.row.state += fmt.Sprintf("; next scrape exact (%d)", n)
	}
	p.row.code = "none"
}

// checkRecovered checks a region whose faults the retries absorbed:
// complete, the absorbed failures counted as API requests, and no scrape
// error.
func checkRecovered(p *problemList, tc faultCase, run *faultRun, seen observed, truth []simulator.Instance) {
	if seen.up[tc.region] != 1 {
		p.addf("%s: ecs_up = %g, want 1 (retries should absorb the fault)", tc.region, seen.up[tc.region])
	}
	if n := checkExact(p, run.families, tc.region, truth); n >= 0 {
		p.row.state = fmt.Sprintf("ecs_up 1, complete (%d)", n)
	}
	if got := seen.calls[aliyun.ActionDescribeInstanceStatus+" "+tc.region+" "+tc.retriedCode]; got < 1 {
		p.addf("%s: ecs_api_requests_total shows no %s attempts: %v", tc.region, tc.retriedCode, seen.calls)
	}
	for k := range seen.errs {
		if strings.HasPrefix(k, tc.region+" ") {
			p.addf("%s recovered but counted a scrape error: %s", tc.region, k)
		}
	}
	p.row.code = "none (" + tc.retriedCode + " retried)"
}
