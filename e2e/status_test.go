package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"golang.org/x/net/html"
)

// screenshotPath is where TestStatusPageOfARunWithAFailingRegion leaves
// its screenshot of /status, to look at after the run.
var screenshotPath = filepath.Join(os.TempDir(), "aliyun_ecs_exporter-status.png")

func TestStatusPageOfARunWithAFailingRegion(t *testing.T) {
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 137, 11),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 12, 12),
		"us-west-1":    {},
	}
	sim, base := startAccount(t, fleets)
	sim.InjectFault("cn-hangzhou", simulator.Fault{Action: "DescribeInstanceStatus", Status: 400, Code: "Throttling.User", Times: 1})
	trap, hits := proxyTrap(t)
	env := keyEnv(t,
		"HTTP_PROXY="+trap, "HTTPS_PROXY="+trap)
	exp := startExporter(t, env, "--aliyun.endpoint="+base,
		"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1", "--aliyun.region=us-west-1", "--aliyun.region=xx-nowhere-1",
		"--collector.info", "--collector.info.refresh=1m")

	mfs, _, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	if up := testenv.Series(mfs, "ecs_up", "region"); up["xx-nowhere-1"] != 0 || up["cn-hangzhou"] != 1 {
		t.Fatalf("ecs_up = %v", up)
	}
	if code, _ := scrape(t, exp.URL+"/probe?region=eu-central-1"); code != http.StatusOK {
		t.Fatalf("GET /probe: %d", code)
	}
	// The info cache lists in the background; wait for its listing (the
	// only optional collector on, so the region's one row).
	doc, page := waitForStatus(t, exp.URL, func(doc *html.Node) bool {
		tr := testenv.TableRow(doc, "collectors", "default", "cn-hangzhou")
		return tr != nil && testenv.Attr(tr, "data-collector") == "info" && strings.Contains(testenv.Text(tr), "137")
	})

	failing := testenv.TableRow(doc, "regions", "default", "xx-nowhere-1")
	if failing == nil {
		t.Fatalf("/status has no row for xx-nowhere-1:\n%s", page)
	}
	code, msg := testenv.ByClass(failing, "code"), testenv.ByClass(failing, "message")
	if code != "InvalidRegionId.NotFound" || msg != "The specified RegionId does not exist." {
		t.Errorf("xx-nowhere-1's row names code %q and message %q:\n%s", code, msg, testenv.Text(failing))
	}
	// Region, ecs_up, last sweep, duration, pages, calls, throttled: the
	// throttled first page was retried.
	if c := testenv.Cells(testenv.TableRow(doc, "regions", "default", "cn-hangzhou")); len(c) < 7 || c[1] != "1" || c[4] != "3" || c[5] != "4" || c[6] != "1" {
		t.Errorf("cn-hangzhou's row: %q, want ecs_up 1, 3 pages, 4 calls, 1 throttled", c)
	}
	if testenv.TableRow(doc, "regions", "default", "eu-central-1") == nil {
		t.Error("/status has no row for the /probe target eu-central-1")
	}
	_, landing := scrape(t, exp.URL+"/")
	for name, text := range map[string]string{"/": string(landing), "/status": page} {
		if strings.Contains(text, testSecret) {
			t.Errorf("the secret appears on %s", name)
		}
	}
	screenshot(t, exp.URL+"/status")
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}

func TestStatusPagesNeverShowASecret(t *testing.T) {
	sim, base, _ := secSimulator(t)
	args := []string{"--aliyun.endpoint=" + base, "--aliyun.max-retries=0", "--aliyun.region=cn-hangzhou", "--aliyun.region=xx-nowhere-1"}
	sts := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken), args...)
	wrong := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secWrongSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken), args...)
	var pages []scanned
	read := func(what string, exp *testenv.Exporter) {
		scrape(t, exp.URL+"/metrics")
		for _, path := range []string{"/", "/status"} {
			_, body := scrape(t, exp.URL+path)
			pages = append(pages, scanned{path + " (" + what + ")", string(body)})
		}
	}
	for name, f := range map[string]simulator.Fault{
		"throttled":      {Status: 400, Code: "Throttling.User", Message: "Request was denied due to user flow control."},
		"HTML page":      {Status: 502, ContentType: "text/html", Body: []byte("<html><body>Bad Gateway</body></html>")},
		"malformed JSON": {Body: []byte(`{"TotalCount":`)},
		"reset":          {Reset: true},
	} {
		sim.ClearFaults()
		sim.InjectFault("cn-hangzhou", f)
		read(name, sts)
	}
	read("wrong secret", wrong)
	if !strings.Contains(pages[len(pages)-1].text, "SignatureDoesNotMatch") {
		t.Errorf("/status of the wrong secret does not name SignatureDoesNotMatch:\n%s", pages[len(pages)-1].text)
	}
	for _, p := range pages {
		for _, s := range secretsInScan {
			if strings.Contains(p.text, s) {
				t.Errorf("%s in %s", s, p.what)
			}
		}
	}
}

// waitForStatus polls /status until ready holds of it, and returns the
// parsed page and its text.
func waitForStatus(t *testing.T, base string, ready func(*html.Node) bool) (*html.Node, string) {
	t.Helper()
	var doc *html.Node
	body, _ := scrapeUntil(t, base+"/status", func(body []byte) error {
		var err error
		if doc, err = html.Parse(bytes.NewReader(body)); err != nil {
			t.Fatalf("/status is not HTML: %v", err)
		}
		if !ready(doc) {
			return fmt.Errorf("/status is not ready:\n%s", body)
		}
		return nil
	})
	return doc, string(body)
}

// screenshot has headless Chromium take a picture of url, into
// screenshotPath. Without Chromium the test is skipped, but not in CI,
// which installs it (make deps).
func screenshot(t *testing.T, url string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "true" {
			t.Skip("chromium is not installed (make deps installs Debian's chromium)")
		}
		t.Fatal("chromium is not installed; make deps installs Debian's chromium")
	}
	_ = os.Remove(screenshotPath)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// A proxy on a closed loopback port: whatever Chromium might fetch
	// besides the page stays on this machine.
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--proxy-server=http://127.0.0.1:1", "--user-data-dir="+t.TempDir(),
		"--screenshot="+screenshotPath, "--window-size=1280,1600", url)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	st, err := os.Stat(screenshotPath)
	if err != nil {
		t.Fatalf("chromium left no screenshot: %v\n%s", err, out)
	}
	png, _ := os.ReadFile(screenshotPath)
	if st.Size() < 20_000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("the screenshot is %d bytes, or not a PNG: a blank page?", st.Size())
	}
	t.Logf("screenshot of %s: %s (%d bytes)", url, screenshotPath, st.Size())
}
