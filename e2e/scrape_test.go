package e2e

// Getting what the exporter serves, waiting for it, and checking it with
// promtool.

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// scrape fetches path and returns the status and body.
func scrape(t *testing.T, url string) (int, []byte) {
	t.Helper()
	code, body, err := fetchURL(http.DefaultClient, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}

// fetchURL fetches url with client and header, within a minute, and returns
// the status and body; unlike scrape it is safe in a goroutine other than the
// test's.
func fetchURL(client *http.Client, url string, header http.Header) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// scrapeUntil scrapes url, which must answer 200, until ready returns nil
// for the body, and returns that body and how many scrapes it took; after
// 30 seconds it fails the test with ready's last error.
func scrapeUntil(t *testing.T, url string, ready func(body []byte) error) ([]byte, int) {
	t.Helper()
	var body []byte
	scrapes := 0
	err := testenv.Eventually(30*time.Second, 50*time.Millisecond, func() error {
		var code int
		code, body = scrape(t, url)
		scrapes++
		if code != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d\n%s", url, code, body)
		}
		return ready(body)
	})
	if err != nil {
		t.Fatalf("GET %s, for 30s: %v", url, err)
	}
	return body, scrapes
}

// promtoolCheckMetrics runs `promtool check metrics` on a scrape.
func promtoolCheckMetrics(t *testing.T, body []byte) {
	t.Helper()
	cmd := exec.Command(lookTool(t, "promtool", "prometheus"), "check", "metrics")
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
