package e2e

// No secret appears in logs, metrics, pages or errors, whatever fails.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// secretsInScan are what the secret scan looks for.
var secretsInScan = []string{secSecret, secToken, secExpiredSecret, secExpiredToken, secWrongSecret, secFileSecret}

// scanned is one output the secret scan read.
type scanned struct{ what, text string }

func TestSecretsNeverAppearInLogsMetricsPagesOrErrors(t *testing.T) {
	t.Parallel()
	sim, base, _ := secSimulator(t)
	var outputs []scanned
	regions := []string{"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1", "--aliyun.region=xx-nowhere-1"}

	// 1. The valid STS credential at debug level, through succeeding and
	// failing scrapes: an unknown region throughout, then each fault kind
	// on cn-hangzhou in turn.
	exp := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken),
		append([]string{"--aliyun.endpoint=" + base, "--log.level=debug", "--aliyun.max-retries=0"}, regions...)...)
	faults := []struct {
		name  string
		fault *simulator.Fault
	}{
		{"no fault", nil},
		{"throttled", &simulator.Fault{Status: 400, Code: "Throttling.User", Message: "Request was denied due to user flow control."}},
		{"HTML page", &simulator.Fault{Status: 502, ContentType: "text/html", Body: []byte("<html><body>Bad Gateway</body></html>")}},
		{"malformed JSON", &simulator.Fault{Body: []byte(`{"TotalCount":`)}},
		{"truncated", &simulator.Fault{Truncate: true}},
		{"reset", &simulator.Fault{Reset: true}},
		{"internal error", &simulator.Fault{Status: 500, Code: "InternalError"}},
	}
	failedCodes := map[string]bool{}
	for _, f := range faults {
		sim.ClearFaults()
		if f.fault != nil {
			sim.InjectFault("cn-hangzhou", *f.fault)
		}
		code, body := scrape(t, exp.URL+"/metrics")
		if code != http.StatusOK {
			t.Fatalf("%s: GET /metrics: HTTP %d", f.name, code)
		}
		for k := range testenv.Series(testenv.Parse(t, body), "ecs_scrape_errors_total", "region", "code") {
			failedCodes[k] = true
		}
		outputs = append(outputs, scanned{"/metrics (" + f.name + ")", string(body)})
	}
	sim.ClearFaults()
	_, landing := scrape(t, exp.URL+"/")
	outputs = append(outputs, scanned{"landing page", string(landing)})
	_, notFound := scrape(t, exp.URL+"/nope")
	outputs = append(outputs, scanned{"404 page", string(notFound)})
	if len(failedCodes) < 4 {
		t.Errorf("the scrapes failed with only %v; the scan needs failing scrapes of several kinds", failedCodes)
	}

	// 2. An expired STS token and a wrong secret: every call fails with
	// the API's error, which is logged.
	expired := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secExpiredKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secExpiredSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secExpiredToken),
		append([]string{"--aliyun.endpoint=" + base, "--log.level=debug"}, regions...)...)
	wrong := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secWrongSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken),
		append([]string{"--aliyun.endpoint=" + base, "--log.level=debug"}, regions...)...)
	for _, e := range []struct {
		name string
		exp  *testenv.Exporter
		code string
	}{{"expired token", expired, "InvalidSecurityToken.Expired"}, {"wrong secret", wrong, "SignatureDoesNotMatch"}} {
		code, body := scrape(t, e.exp.URL+"/metrics")
		if code != http.StatusOK {
			t.Fatalf("%s: GET /metrics: HTTP %d", e.name, code)
		}
		if got := testenv.Series(testenv.Parse(t, body), "ecs_scrape_errors_total", "region", "code")["cn-hangzhou "+e.code]; got != 1 {
			t.Errorf("%s: cn-hangzhou %s errors = %g, want 1", e.name, e.code, got)
		}
		outputs = append(outputs, scanned{"/metrics (" + e.name + ")", string(body)})
	}

	// 3. A credentials file the chain cannot read, with the secret on a
	// malformed line: the start-up error must not quote it.
	credFile := secCredentialsFile(t, "access_key_secret "+secFileSecret)
	startErr := runToExit(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_CREDENTIALS_FILE="+credFile),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--log.level=debug")

	for _, e := range []struct {
		name string
		exp  *testenv.Exporter
	}{{"valid STS", exp}, {"expired STS", expired}, {"wrong secret", wrong}} {
		stopExporter(t, e.exp)
		outputs = append(outputs, scanned{"log at debug (" + e.name + ")", e.exp.Stderr.String()})
	}
	if !strings.Contains(expired.Stderr.String(), "InvalidSecurityToken.Expired") || !strings.Contains(wrong.Stderr.String(), "SignatureDoesNotMatch") {
		t.Error("the failing exporters did not log their errors; the scan needs them")
	}

	scan := func(outputs []scanned) (leaks []string) {
		for _, o := range outputs {
			for _, s := range secretsInScan {
				if strings.Contains(o.text, s) {
					leaks = append(leaks, fmt.Sprintf("%s in the %s", s, o.what))
				}
			}
		}
		return leaks
	}
	if leaks := scan(outputs); len(leaks) > 0 {
		t.Errorf("secrets leaked:\n  %s", strings.Join(leaks, "\n  "))
	}
	total := 0
	for _, o := range outputs {
		total += len(o.text)
	}
	// 4. The vendor SDK's own debug switch (DEBUG=dara, from its docs)
	// would print every request header, the STS token included, to
	// stdout: the exporter refuses to start with it, and says why.
	debugOut := runToExit(t, testenv.PinnedEnv(t, "DEBUG=dara,sdk,tea", "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--log.level=debug")
	if !strings.Contains(debugOut, "unset DEBUG") {
		t.Errorf("with DEBUG=dara the exporter did not refuse to start with a reason:\n%s", debugOut)
	}

	levels := map[string]int{}
	for _, o := range outputs {
		if strings.HasPrefix(o.what, "log") {
			for _, l := range []string{"debug", "info", "warn", "error"} {
				levels[l] += strings.Count(o.text, "level="+l)
			}
		}
	}
	t.Logf("secret scan: %d outputs (%d bytes; log lines by level %v), %d secrets looked for, failure codes seen: %d",
		len(outputs)+2, total+len(startErr)+len(debugOut), levels, len(secretsInScan), len(failedCodes))

	if !strings.Contains(startErr, "ALIBABA_CLOUD_CREDENTIALS_FILE") {
		t.Errorf("the start-up error does not say how to give a credential:\n%s", startErr)
	}
	var fixes []string
	if leaks := scan([]scanned{{"start-up error (unreadable credentials file)", startErr}}); len(leaks) > 0 {
		fixes = append(fixes, fmt.Sprintf("main.go credential() / aliyun.ResolveCredential wrap the chain's error text (\"chain said: %%v\"), "+
			"and credentials-go quotes the offending line of an unparsable credentials file (gopkg.in/ini: \"key-value delimiter not found: <line>\"), "+
			"so a secret on a malformed line is printed on start-up; name the providers that failed without their raw error text. Leaks: %v", leaks))
	}
	if leaks := scan([]scanned{{"stdout+stderr with DEBUG=dara", debugOut}}); len(leaks) > 0 {
		fixes = append(fixes, fmt.Sprintf("the vendor SDK (tea/dara DoRequest) prints every request header to stdout when DEBUG contains \"dara\", "+
			"x-acs-security-token included, and decides so at package init, before main runs; main() should refuse to start (or at least "+
			"warn) when DEBUG names dara, with a message saying why. Leaks: %v", leaks))
	}
	if len(fixes) > 0 {
		t.Fatalf("secrets leaked:\n- %s", strings.Join(fixes, "\n- "))
	}
}

// runToExit runs the binary to its end and returns its stderr; it must
// exit with status 1.
func runToExit(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"--web.listen-address=127.0.0.1:0"}, args...)...)
	cmd.Env = env
	var stderr testenv.LockedBuffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exporter ended with %v, want exit status 1\n%s", err, stderr.String())
	}
	return stderr.String()
}

// stopExporter sends SIGTERM and waits until the process has gone, so its
// log is complete; the log must show the shutdown.
func stopExporter(t *testing.T, e *testenv.Exporter) {
	t.Helper()
	e.Stop(t)
	if !strings.Contains(e.Stderr.String(), "shutting down") {
		t.Fatalf("the exporter stopped on SIGTERM without shutting down:\n%s", e.Stderr)
	}
}
