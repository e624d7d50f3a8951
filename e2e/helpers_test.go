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
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
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

// startExporter runs the binary built in TestMain on a free loopback port
// and waits until it listens; it is stopped when the test ends.
func startExporter(t *testing.T, env []string, args ...string) *testenv.Exporter {
	t.Helper()
	return testenv.StartExporter(t, env, []string{binary}, args...)
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
