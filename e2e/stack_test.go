package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// Timing of the end-to-end stack.
const (
	stackInterval = time.Second     // Prometheus scrape and rule evaluation interval
	stackFor      = 5 * time.Second // the for of EcsInstanceStopped and the lifecycle alerts, in the test copy of the rules
	stackWait     = time.Second     // Alertmanager group_wait and group_interval
)

// webhookAlert is one alert in an Alertmanager webhook notification.
type webhookAlert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// webhookMessage is an Alertmanager webhook notification as received.
type webhookMessage struct {
	Receiver string         `json:"receiver"`
	Status   string         `json:"status"`
	Alerts   []webhookAlert `json:"alerts"`
	Path     string         `json:"-"`
	Received time.Time      `json:"-"`
}

// webhook is a receiver for Alertmanager's webhook notifications on loopback.
type webhook struct {
	URL  string
	mu   sync.Mutex
	msgs []webhookMessage
}

func startWebhook(t *testing.T) *webhook {
	t.Helper()
	w := &webhook{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		received := time.Now()
		var m webhookMessage
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = json.Unmarshal(body, &m)
		}
		if err != nil {
			t.Errorf("webhook: undecodable notification: %v\n%s", err, body)
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		m.Path, m.Received = r.URL.Path, received
		w.mu.Lock()
		w.msgs = append(w.msgs, m)
		w.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	w.URL = srv.URL
	return w
}

// first returns the first notification received after since that carries an
// alert with the given status and labels.
func (w *webhook) first(since time.Time, status string, labels map[string]string) (webhookMessage, webhookAlert, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range w.msgs {
		if m.Received.Before(since) {
			continue
		}
		for _, a := range m.Alerts {
			if a.Status == status && hasLabels(a.Labels, labels) {
				return m, a, true
			}
		}
	}
	return webhookMessage{}, webhookAlert{}, false
}

func (w *webhook) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, m := range w.msgs {
		fmt.Fprintf(&b, "%s %s %s:", m.Received.Format("15:04:05.000"), m.Path, m.Status)
		for _, a := range m.Alerts {
			fmt.Fprintf(&b, " [%s %v]", a.Status, a.Labels)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// promAPI queries Prometheus' HTTP API.
type promAPI struct{ base string }

// get calls an API path and returns its data.
func (p promAPI) get(path string, params url.Values) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path+"?"+params.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, resp.Status, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("%s: %s: %s", path, resp.Status, body.Error)
	}
	return body.Data, nil
}

// promSeries is one series of a query result.
type promSeries struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"`
	Values [][]any           `json:"values"`
}

// query runs an instant query (rangeOf 0) or a range query over the last
// rangeOf, and returns the series that have at least one sample.
func (p promAPI) query(expr string, rangeOf time.Duration) ([]promSeries, error) {
	params := url.Values{"query": {expr}}
	path := "/api/v1/query"
	if rangeOf > 0 {
		now := time.Now()
		path = "/api/v1/query_range"
		params.Set("start", fmt.Sprint(now.Add(-rangeOf).Unix()))
		params.Set("end", fmt.Sprint(now.Unix()))
		params.Set("step", "1")
	}
	data, err := p.get(path, params)
	if err != nil {
		return nil, err
	}
	var res struct {
		ResultType string       `json:"resultType"`
		Result     []promSeries `json:"result"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, err
	}
	var out []promSeries
	for _, s := range res.Result {
		if len(s.Value) > 0 || len(s.Values) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

// labelValues returns the values of label on the series matching selector.
func (p promAPI) labelValues(label, selector string) ([]string, error) {
	data, err := p.get("/api/v1/label/"+label+"/values", url.Values{"match[]": {selector}})
	if err != nil {
		return nil, err
	}
	var values []string
	return values, json.Unmarshal(data, &values)
}

// stack is the exporter with the simulator behind it and Prometheus and
// Alertmanager in front, each on loopback.
// throttledFault keeps the throttled region throttled on every third call.
var throttledFault = simulator.Fault{
	Action: "DescribeInstanceStatus", Every: 3, Status: http.StatusBadRequest, Code: "Throttling.User",
}

type stack struct {
	sim      *simulator.Server
	exporter *testenv.Exporter
	prom     promAPI
	webhook  *webhook
	job      string
	regions  map[string][]simulator.Instance
	started  time.Time
	marks    lifecycleMarks
}

// Regions of the stack's fleet: one healthy, one that the API throttles now
// and then (every third call; the exporter's retry succeeds), and one the API
// does not know, which fails every sweep.
const (
	regionHealthy   = "cn-hangzhou"
	regionThrottled = "cn-shanghai"
	regionUnknown   = "xx-nowhere-1"
)

// quietFleet is a generated fleet with every instance Running but one, which
// is in status other: the instances not Running that the dashboard's table
// shows, and no instance Stopped before the test stops one.
func quietFleet(region string, n int, seed int64, other string) []simulator.Instance {
	fleet := simulator.GenerateFleet(region, n, seed)
	for i := range fleet {
		fleet[i].Status = simulator.StatusRunning
	}
	fleet[n-1].Status = other
	return fleet
}

func startStack(t *testing.T) *stack {
	t.Helper()
	promtool := lookTool(t, "promtool", "prometheus")
	prometheus := lookTool(t, "prometheus", "prometheus")
	alertmanager := lookTool(t, "prometheus-alertmanager", "prometheus-alertmanager")

	s := &stack{started: time.Now(), regions: map[string][]simulator.Instance{
		regionHealthy:   quietFleet(regionHealthy, 60, 31, simulator.StatusStarting),
		regionThrottled: quietFleet(regionThrottled, 20, 32, simulator.StatusPending),
	}}
	var events []simulator.Event
	events, s.marks = markLifecycle(s.regions[regionHealthy], s.started)
	var base string
	s.sim, base = testenv.StartSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     s.regions,
		Events:      map[string][]simulator.Event{regionHealthy: events},
	})
	s.sim.InjectFault(regionThrottled, throttledFault)
	trap, hits := proxyTrap(t)
	t.Cleanup(func() {
		if n := hits.Load(); n != 0 {
			t.Errorf("%d requests tried to leave the machine through the proxy", n)
		}
	})
	s.exporter = startExporter(t, testenv.PinnedEnv(t,
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+testKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+testSecret,
		"HTTP_PROXY="+trap, "HTTPS_PROXY="+trap,
	), "--aliyun.endpoint="+base,
		"--aliyun.region="+regionHealthy, "--aliyun.region="+regionThrottled, "--aliyun.region="+regionUnknown,
		"--collector.info", "--collector.info.tags=team",
		"--collector.health", "--collector.events")

	s.webhook = startWebhook(t)
	dir := t.TempDir()
	amAddr := freeAddr(t)
	amConfig := writeYAML(t, dir, "alertmanager.yml", alertmanagerConfig(t, s.webhook.URL, stackWait))
	am := startDaemon(t, "alertmanager", nil, alertmanager,
		"--config.file="+amConfig, "--storage.path="+dir+"/alertmanager",
		"--web.listen-address="+amAddr, "--cluster.listen-address=")

	fors := map[string]time.Duration{"EcsInstanceStopped": stackFor}
	for alert := range s.marks.want {
		fors[alert] = stackFor
	}
	alerts, shippedFor := alertRulesWithFor(t, fors)
	t.Logf("for shipped %v, %s in the test copy", shippedFor, stackFor)
	rules := []string{repoPath(t, "deploy/prometheus/recording-rules.yml"), writeYAML(t, dir, "alerts.yml", alerts)}
	cfg, job := prometheusConfig(t, strings.TrimPrefix(s.exporter.URL, "http://"), amAddr, rules, stackInterval)
	s.job = job
	promConfig := writeYAML(t, dir, "prometheus.yml", cfg)
	if out, err := exec.Command(promtool, "check", "config", promConfig).CombinedOutput(); err != nil {
		t.Fatalf("promtool check config on the test's Prometheus configuration: %v\n%s", err, out)
	}
	promAddr := freeAddr(t)
	prom := startDaemon(t, "prometheus", nil, prometheus,
		"--config.file="+promConfig, "--storage.tsdb.path="+dir+"/prometheus",
		"--web.listen-address="+promAddr)
	s.prom = promAPI{base: "http://" + promAddr}

	am.waitReady(t, "http://"+amAddr+"/-/ready")
	prom.waitReady(t, s.prom.base+"/-/ready")
	s.waitHealthy(t)
	return s
}

// waitHealthy waits until Prometheus scrapes the exporter, has loaded the
// rules and knows Alertmanager.
func (s *stack) waitHealthy(t *testing.T) {
	t.Helper()
	err := testenv.Eventually(time.Minute, 200*time.Millisecond, func() error {
		up, err := s.prom.query(fmt.Sprintf(`up{job=%q} == 1`, s.job), 0)
		if err != nil || len(up) == 0 {
			return fmt.Errorf("target not up: %v", err)
		}
		data, err := s.prom.get("/api/v1/alertmanagers", nil)
		if err != nil || !strings.Contains(string(data), `"activeAlertmanagers":[{`) {
			return fmt.Errorf("no active Alertmanager: %v %s", err, data)
		}
		data, err = s.prom.get("/api/v1/rules", nil)
		if err != nil || !strings.Contains(string(data), `"EcsInstanceStopped"`) || !strings.Contains(string(data), `"region_status:ecs_instance_status:sum"`) {
			return fmt.Errorf("rules not loaded: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the stack did not come up: %v", err)
	}
}
