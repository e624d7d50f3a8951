package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

const (
	benchKey    = "LTAIbenchkey"
	benchSecret = "benchsecret"
)

// scenario is one row of the table.
type scenario struct {
	name       string
	regions    int
	instances  int           // per region
	latency    time.Duration // per call, every region
	qps        float64       // enforced by the simulator per region; 0 = none
	scrapes    int           // concurrent scrapes in the measured round
	sequential bool          // also time the sequential pager
	cold       bool          // measure the first scrape, before the exporter learned anything
	args       []string      // extra exporter flags
}

func (s scenario) regionNames() []string {
	out := make([]string, s.regions)
	for i := range out {
		out[i] = fmt.Sprintf("bench-region-%02d", i+1)
	}
	return out
}

func (s scenario) pagesPerRegion() int { return (s.instances + 49) / 50 }

// bound is the API's own limit for one scrape: one round trip per page, and
// per region no faster than its rate limit allows after the burst; regions
// run in parallel, so the slowest (all are equal here) decides.
func (s scenario) bound() float64 {
	if s.qps <= 0 {
		return s.latency.Seconds()
	}
	burst := math.Ceil(s.qps)
	return s.latency.Seconds() + math.Max(0, float64(s.pagesPerRegion())-burst)/s.qps
}

type result struct {
	sc                  scenario
	scrape, expose, seq time.Duration
	calls, throttled    int64
	cpu                 float64
	rssMB               float64
	allocPerInst        float64
	notes               []string
}

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
	if n := metricSum(rounds[0].body, `ecs_api_requests_total{action="DescribeInstanceStatus",code="Throttling.User"`); n > 0 {
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

// waitRefill lets the simulator's token buckets (and the exporter's) fill
// up again between rounds, so that each round starts as the bound assumes.
func waitRefill(sc scenario) {
	if sc.qps > 0 {
		time.Sleep(time.Duration(float64(time.Second) * (math.Ceil(sc.qps)/sc.qps + 0.5)))
	}
}

// checkComplete asserts that the scrape holds every instance of every region
// with ecs_up 1.
func checkComplete(body []byte, sc scenario) error {
	current := 0
	up := 0
	sc2 := bufio.NewScanner(bytes.NewReader(body))
	sc2.Buffer(make([]byte, 1<<20), 1<<20)
	for sc2.Scan() {
		line := sc2.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte("ecs_instance_status{")) && bytes.HasSuffix(line, []byte(" 1")):
			current++
		case bytes.HasPrefix(line, []byte("ecs_up{")) && bytes.HasSuffix(line, []byte(" 1")):
			up++
		}
	}
	if want := sc.regions * sc.instances; current != want || up != sc.regions {
		return fmt.Errorf("scrape incomplete: %d of %d instances, %d of %d regions up", current, want, up, sc.regions)
	}
	return nil
}

// metricSum adds up the samples whose line starts with prefix.
func metricSum(body []byte, prefix string) float64 {
	sum := 0.0
	for _, line := range bytes.Split(body, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte(prefix)) {
			continue
		}
		if i := bytes.LastIndexByte(line, ' '); i > 0 {
			v, _ := strconv.ParseFloat(string(line[i+1:]), 64)
			sum += v
		}
	}
	return sum
}

func metricValue(body []byte, name string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`)
	m := re.FindSubmatch(body)
	if m == nil {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// exporterProc is the exporter under measurement.
type exporterProc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

var listening = regexp.MustCompile(`Listening on"? address=(127\.0\.0\.1:\d+)`)

func startExporter(binary, base string, sc scenario) (*exporterProc, error) {
	args := []string{"--web.listen-address=127.0.0.1:0", "--aliyun.endpoint=" + base, "--log.level=info"}
	for _, r := range sc.regionNames() {
		args = append(args, "--aliyun.region="+r)
	}
	args = append(args, sc.args...)
	cmd := exec.Command(binary, args...)
	home, err := os.MkdirTemp("", "bench-home")
	if err != nil {
		return nil, err
	}
	cmd.Env = []string{
		"HOME=" + home, "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + benchKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + benchSecret,
	}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &exporterProc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); pw.Close(); os.RemoveAll(home); close(p.done) }()
	found := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			if m := listening.FindStringSubmatch(s.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			} else if strings.Contains(s.Text(), "level=warn") || strings.Contains(s.Text(), "level=error") {
				fmt.Fprintln(os.Stderr, "  exporter:", s.Text())
			}
		}
	}()
	select {
	case addr := <-found:
		p.url = "http://" + addr + "/metrics"
		return p, nil
	case <-p.done:
		return nil, errors.New("exporter exited before listening")
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, errors.New("exporter did not listen within 30s")
	}
}

func (p *exporterProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

type scrapeResult struct {
	body             []byte
	firstByte, total time.Duration
}

func (p *exporterProc) scrape() (scrapeResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "30")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return scrapeResult{}, err
	}
	defer resp.Body.Close()
	first := time.Since(start)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return scrapeResult{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return scrapeResult{}, fmt.Errorf("scrape: HTTP %d", resp.StatusCode)
	}
	return scrapeResult{body: body, firstByte: first, total: time.Since(start)}, nil
}

// cpuSeconds is the process's user+system CPU time from /proc.
func (p *exporterProc) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are the
	// 14th and 15th fields of the whole line.
	rest := b[bytes.LastIndexByte(b, ')')+2:]
	f := strings.Fields(string(rest))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	const clockTicks = 100 // USER_HZ on Linux
	return (ut + st) / clockTicks, nil
}

// peakRSSMB is VmHWM: the process's peak resident set since it started.
func (p *exporterProc) peakRSSMB() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}
