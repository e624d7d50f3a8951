package main

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// result is what one scenario measured: one row of the table and its notes.
type result struct {
	sc                  scenario
	scrape, expose, seq time.Duration
	calls, throttled    int64
	cpu                 float64
	rssMB               float64
	allocPerInst        float64
	notes               []string
}

// cells are the row, in the order of header.
func (r result) cells() []string {
	f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	bound, ratio := "-", "-"
	if b := r.sc.bound(); b > 0 {
		bound, ratio = f(b, 2), f(r.scrape.Seconds()/b, 2)
	}
	seq, speedup := "-", "-"
	if r.seq > 0 {
		seq, speedup = f(r.seq.Seconds(), 1), f(r.seq.Seconds()/r.scrape.Seconds(), 1)+"x"
	}
	return []string{
		r.sc.name,
		fmt.Sprintf("%dx%d", r.sc.regions, r.sc.instances),
		strconv.Itoa(r.sc.regions * r.sc.pagesPerRegion()),
		f(r.scrape.Seconds(), 3), bound, ratio,
		strconv.FormatInt(r.calls, 10), strconv.FormatInt(r.throttled, 10),
		f(r.cpu, 2), f(r.rssMB, 0), f(r.allocPerInst, 0), f(r.expose.Seconds(), 3),
		seq, speedup,
	}
}

// run measures one scenario: it starts the simulator and the exporter,
// scrapes (after a warm-up unless the scenario is cold) and, if asked, times
// the sequential pager over the same fleet.
func run(binary string, sc scenario) (result, error) {
	res := result{sc: sc}
	cfg := simulator.Config{
		Credentials: map[string]simulator.Credential{benchKey: {Secret: benchSecret}},
		Regions:     map[string][]simulator.Instance{},
		Latency:     map[string]time.Duration{"": sc.latency},
		RateLimit:   map[string]float64{"": sc.qps},
	}
	for i, r := range sc.regionNames() {
		cfg.Regions[r] = simulator.GenerateFleet(r, sc.instances, int64(i+1))
	}
	sim := simulator.New(cfg)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		return res, err
	}
	defer sim.Close()

	exp, err := startExporter(binary, base, sc)
	if err != nil {
		return res, err
	}
	defer exp.stop()

	// A warm-up scrape opens connections and gives the allocation baseline.
	// A cold scenario measures the very first scrape instead.
	var warm scrapeResult
	if !sc.cold {
		if warm, err = exp.scrape(); err != nil {
			return res, fmt.Errorf("warm-up scrape: %w", err)
		}
		if err := checkComplete(warm.body, sc); err != nil {
			return res, fmt.Errorf("warm-up scrape: %w", err)
		}
		waitRefill(sc)
		sim.ResetStats()
	}

	cpu0, err := exp.cpuSeconds()
	if err != nil {
		return res, err
	}
	rounds := make([]scrapeResult, sc.scrapes)
	errs := make([]error, sc.scrapes)
	var wg sync.WaitGroup
	for i := range rounds {
		wg.Go(func() { rounds[i], errs[i] = exp.scrape() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	cpu1, err := exp.cpuSeconds()
	if err != nil {
		return res, err
	}
	for _, r := range rounds {
		if err := checkComplete(r.body, sc); err != nil {
			return res, err
		}
		res.scrape = max(res.scrape, r.total)
		res.expose = max(res.expose, r.total-r.firstByte)
	}
	st := sim.Stats("")
	res.calls, res.throttled = st.Calls, st.Throttled
	res.cpu = cpu1 - cpu0
	if res.rssMB, err = exp.peakRSSMB(); err != nil {
		return res, err
	}
	a0, a1 := metricValue(warm.body, "go_memstats_alloc_bytes_total"), metricValue(rounds[0].body, "go_memstats_alloc_bytes_total")
	if sc.scrapes == 1 && !sc.cold {
		res.allocPerInst = (a1 - a0) / float64(sc.regions*sc.instances)
	}
	pages := int64(sc.regions * sc.pagesPerRegion())
	res.notes = append(res.notes, fmt.Sprintf("%d API calls for %d pages (%d throttled) in %d concurrent scrape(s)",
		res.calls, pages, res.throttled, sc.scrapes))
	if n := metricSum(rounds[0].body, `ecs_api_requests_total{account="default",action="DescribeInstanceStatus",code="Throttling.User"`); n > 0 {
		res.notes = append(res.notes, fmt.Sprintf(`exporter counted %.0f in ecs_api_requests_total{code="Throttling.User"}`, n))
	}

	if sc.sequential {
		waitRefill(sc)
		seq, calls, err := sequentialPager(base, sc)
		if err != nil {
			return res, fmt.Errorf("sequential pager: %w", err)
		}
		res.seq = seq
		res.notes = append(res.notes, fmt.Sprintf("sequential pager: %d calls in %.1fs", calls, seq.Seconds()))
	}
	return res, nil
}
