// Package e2e runs the built exporter binary as a user would: as a process,
// configured by flags and environment, scraped over HTTP.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// binary is the exporter built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aliyun_ecs_exporter-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "aliyun_ecs_exporter")
	// Static, as `make build` builds it and as the container image needs it.
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the exporter:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pinnedEnv is an environment in which the vendor credential chain and the
// HTTP stack stay on this machine: no metadata server, no CLI profile, an
// empty home, no proxies. extra (KEY=value) is added on top.
func pinnedEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	env := []string{
		"HOME=" + t.TempDir(),
		"PATH=" + os.Getenv("PATH"),
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
	}
	return append(env, extra...)
}

// lockedBuffer collects a process's output while the test reads it.
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

// exporter is a running exporter process.
type exporter struct {
	URL    string
	Stderr *lockedBuffer
	cmd    *exec.Cmd
}

var listening = regexp.MustCompile(`msg="?Listening on"? address=(127\.0\.0\.1:\d+)`)

// startExporter runs the binary on a free loopback port and waits until it
// listens. It is stopped (SIGTERM, then kill) when the test ends.
func startExporter(t *testing.T, env []string, args ...string) *exporter {
	t.Helper()
	return startProgram(t, env, []string{binary}, args...)
}

// startProgram is startExporter for an exporter that prog starts: the
// binary itself, or an emulator and a binary of another architecture.
func startProgram(t *testing.T, env, prog []string, args ...string) *exporter {
	t.Helper()
	argv := slices.Concat(prog[1:], []string{"--web.listen-address=127.0.0.1:0"}, args)
	cmd := exec.Command(prog[0], argv...)
	cmd.Env = env
	e := &exporter{Stderr: &lockedBuffer{}, cmd: cmd}
	cmd.Stderr = e.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("exporter stderr:\n%s", e.Stderr)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(e.Stderr.String()); m != nil {
			e.URL = "http://" + m[1]
			return e
		}
		select {
		case err := <-exited:
			t.Fatalf("exporter exited before listening: %v\n%s", err, e.Stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("exporter did not listen within 30s:\n%s", e.Stderr)
	return nil
}

// scrape fetches path and returns the status and body.
func scrape(t *testing.T, url string) (int, []byte) {
	t.Helper()
	code, body, err := fetchURL(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}

// fetchURL fetches url with header, within a minute, and returns the status and
// body; unlike scrape it is safe in a goroutine other than the test's.
func fetchURL(url string, header http.Header) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// parse decodes text exposition.
func parse(t *testing.T, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := parseText(body)
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

// parseText decodes text exposition; safe in any goroutine.
func parseText(body []byte) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing the scrape: %w", err)
	}
	return mfs, nil
}

// labels flattens a sample's labels.
func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// value is a sample's gauge, counter or untyped value.
func value(m *dto.Metric) float64 {
	switch {
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	default:
		return m.GetUntyped().GetValue()
	}
}

// series returns value by the joined values of keys, e.g. region.
func series(mfs map[string]*dto.MetricFamily, name string, keys ...string) map[string]float64 {
	out := map[string]float64{}
	mf, ok := mfs[name]
	if !ok {
		return out
	}
	for _, m := range mf.GetMetric() {
		l := labels(m)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = l[k]
		}
		out[strings.Join(parts, " ")] = value(m)
	}
	return out
}

// promtoolCheckMetrics runs `promtool check metrics` on a scrape.
func promtoolCheckMetrics(t *testing.T, body []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool is not installed; `make test` installs Debian's prometheus package, which has it")
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			t.Errorf("promtool check metrics: %s", line)
		}
	}
}
