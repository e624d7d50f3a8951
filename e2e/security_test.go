package e2e

// Security of the built binary: TLS and basic auth from --web.config.file,
// secrets kept out of every output, credentials from a mounted file and from
// an STS token, and a graceful SIGTERM with a scrape in flight.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// Recognisable made-up secrets: if any of them shows up in an output, it
// leaked. None opens anything but the simulator.
const (
	secKey           = "STS.e2esecretscan"
	secSecret        = "SECRET-e2e-scan-7d1f0b2a-must-not-leak"
	secToken         = "STSTOKEN-e2e-scan-93ac51e8-must-not-leak"
	secExpiredKey    = "STS.e2eexpired"
	secExpiredSecret = "SECRET-e2e-expired-5b7e40c9-must-not-leak"
	secExpiredToken  = "STSTOKEN-e2e-expired-0f22d6b4-must-not-leak"
	secWrongSecret   = "SECRET-e2e-wrong-c3d9a177-must-not-leak"
	secFileSecret    = "SECRET-e2e-file-81e0c5f3-must-not-leak"

	// webUser / webPassword guard the exporter in the TLS test;
	// webPasswordHash is bcrypt (cost 10) of webPassword, made with
	// golang.org/x/crypto/bcrypt. The test proves they match: the right
	// password gets a 200.
	webUser         = "prometheus"
	webPassword     = "e2e-web-password-4a91"
	webPasswordHash = "$2a$10$kawNcEoTUIr1Duo70SosKu042aJX8gdEAn0FKBEanHLwSlxQ/U0dO"
)

// secretsInScan are what the secret scan looks for.
var secretsInScan = []string{secSecret, secToken, secExpiredSecret, secExpiredToken, secWrongSecret, secFileSecret}

// selfSignedCert writes a self-signed ECDSA certificate for 127.0.0.1 and
// its key to dir, and returns their paths and the certificate.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "aliyun_ecs_exporter e2e"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	secWrite(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	secWrite(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	return certFile, keyFile, cert
}

func secWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// secSimulator is the simulated account of this file's tests: two healthy
// regions and the credentials the tests sign with.
func secSimulator(t *testing.T) (*simulator.Server, string, map[string][]simulator.Instance) {
	t.Helper()
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 75, 21),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 12, 22),
	}
	sim, base := startSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{
			testKey:        {Secret: testSecret},
			secKey:         {Secret: secSecret, SecurityToken: secToken},
			secExpiredKey:  {Secret: secExpiredSecret, SecurityToken: secExpiredToken, Expired: true},
			"LTAIfromfile": {Secret: secFileSecret},
		},
		Regions: fleets,
	})
	return sim, base, fleets
}

// secGet fetches url with client, with basic auth when user is not empty.
func secGet(t *testing.T, client *http.Client, url, user, password string) (int, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func TestWebConfigServesTLSAndRequiresBasicAuth(t *testing.T) {
	_, base, fleets := secSimulator(t)
	dir := t.TempDir()
	certFile, keyFile, cert := selfSignedCert(t, dir)
	webConfig := filepath.Join(dir, "web-config.yml")
	secWrite(t, webConfig, fmt.Appendf(nil, "tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  %s: %s\n",
		certFile, keyFile, webUser, webPasswordHash))

	exp := startExporter(t, pinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+testKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+testSecret),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1",
		"--web.config.file="+webConfig)
	addr := strings.TrimPrefix(exp.URL, "http://")

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	tlsClient := &http.Client{Transport: &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	defer tlsClient.CloseIdleConnections()
	metrics := "https://" + addr + "/metrics"

	for _, tc := range []struct {
		name, url, user, password string
		want                      int
	}{
		{"no credentials", metrics, "", "", http.StatusUnauthorized},
		{"wrong password", metrics, webUser, "not-the-password", http.StatusUnauthorized},
		{"unknown user", metrics, "admin", webPassword, http.StatusUnauthorized},
		{"no credentials on the landing page", "https://" + addr + "/", "", "", http.StatusUnauthorized},
		{"right password", metrics, webUser, webPassword, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, err := secGet(t, tlsClient, tc.url, tc.user, tc.password)
			if err != nil {
				t.Fatalf("GET %s: %v", tc.url, err)
			}
			if code != tc.want {
				t.Fatalf("GET %s as %q: HTTP %d, want %d", tc.url, tc.user, code, tc.want)
			}
			if code != http.StatusOK {
				if strings.Contains(body, "ecs_") {
					t.Errorf("a refused request got metrics:\n%s", body)
				}
				return
			}
			mfs := parse(t, []byte(body))
			status := series(mfs, "ecs_instance_status", "instance_id", "region", "status")
			for region, fleet := range fleets {
				checkFleet(t, status, region, fleet)
			}
			t.Logf("HTTPS with the right password: HTTP %d, %d status series", code, len(status))
		})
	}

	t.Run("plain HTTP to the TLS listener fails", func(t *testing.T) {
		plain := &http.Client{Transport: &http.Transport{Proxy: nil}}
		defer plain.CloseIdleConnections()
		code, body, err := secGet(t, plain, "http://"+addr+"/metrics", webUser, webPassword)
		if err == nil && (code == http.StatusOK || strings.Contains(body, "ecs_")) {
			t.Fatalf("plain HTTP got HTTP %d with metrics", code)
		}
		t.Logf("plain HTTP: HTTP %d %q, err %v", code, strings.TrimSpace(body), err)
	})

	t.Run("a client that does not trust the certificate fails", func(t *testing.T) {
		untrusting := &http.Client{Transport: &http.Transport{Proxy: nil}}
		defer untrusting.CloseIdleConnections()
		if _, _, err := secGet(t, untrusting, metrics, webUser, webPassword); err == nil {
			t.Fatal("a client without the certificate in its roots connected")
		}
	})
}

// scanned is one output the secret scan read.
type scanned struct{ what, text string }

func TestSecretsNeverAppearInLogsMetricsPagesOrErrors(t *testing.T) {
	sim, base, _ := secSimulator(t)
	var outputs []scanned
	regions := []string{"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1", "--aliyun.region=xx-nowhere-1"}

	// 1. The valid STS credential at debug level, through succeeding and
	// failing scrapes: an unknown region throughout, then each fault kind
	// on cn-hangzhou in turn.
	exp := startExporter(t, pinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
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
		for k := range series(parse(t, body), "ecs_scrape_errors_total", "region", "code") {
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
	expired := startExporter(t, pinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secExpiredKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secExpiredSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secExpiredToken),
		append([]string{"--aliyun.endpoint=" + base, "--log.level=debug"}, regions...)...)
	wrong := startExporter(t, pinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secWrongSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken),
		append([]string{"--aliyun.endpoint=" + base, "--log.level=debug"}, regions...)...)
	for _, e := range []struct {
		name string
		exp  *exporter
		code string
	}{{"expired token", expired, "InvalidSecurityToken.Expired"}, {"wrong secret", wrong, "SignatureDoesNotMatch"}} {
		code, body := scrape(t, e.exp.URL+"/metrics")
		if code != http.StatusOK {
			t.Fatalf("%s: GET /metrics: HTTP %d", e.name, code)
		}
		if got := series(parse(t, body), "ecs_scrape_errors_total", "region", "code")["cn-hangzhou "+e.code]; got != 1 {
			t.Errorf("%s: cn-hangzhou %s errors = %g, want 1", e.name, e.code, got)
		}
		outputs = append(outputs, scanned{"/metrics (" + e.name + ")", string(body)})
	}

	// 3. A credentials file the chain cannot read, with the secret on a
	// malformed line: the start-up error must not quote it.
	credFile := filepath.Join(t.TempDir(), "credentials")
	secWrite(t, credFile, []byte("[default]\ntype = access_key\naccess_key_id = LTAIfromfile\naccess_key_secret "+secFileSecret+"\n"))
	startErr := runToExit(t, pinnedEnv(t, "ALIBABA_CLOUD_CREDENTIALS_FILE="+credFile),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--log.level=debug")

	for _, e := range []struct {
		name string
		exp  *exporter
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
	debugOut := runToExit(t, pinnedEnv(t, "DEBUG=dara,sdk,tea", "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
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
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exporter ended with %v, want exit status 1\n%s", err, stderr.String())
	}
	return stderr.String()
}

// stopExporter sends SIGTERM and waits (by polling, with a deadline) until
// the process has gone, so its log is complete.
func stopExporter(t *testing.T, e *exporter) {
	t.Helper()
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(e.Stderr.String(), "shutting down") && e.cmd.Process.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the exporter did not stop within 15s of SIGTERM:\n%s", e.Stderr)
}

func TestCredentialsFromAMountedFileWork(t *testing.T) {
	_, base, fleets := secSimulator(t)
	credFile := filepath.Join(t.TempDir(), "credentials")
	secWrite(t, credFile, []byte("[default]\ntype = access_key\naccess_key_id = LTAIfromfile\naccess_key_secret = "+secFileSecret+"\n"))
	exp := startExporter(t, pinnedEnv(t, "ALIBABA_CLOUD_CREDENTIALS_FILE="+credFile),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1")
	mfs, _, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	for r, v := range series(mfs, "ecs_up", "region") {
		if v != 1 {
			t.Errorf("ecs_up{region=%q} = %g, want 1", r, v)
		}
	}
	log := exp.Stderr.String()
	if !strings.Contains(log, "provider=default/profile") {
		t.Errorf("the log does not name the credentials-file provider:\n%s", log)
	}
	if strings.Contains(log, secFileSecret) {
		t.Error("the secret from the file appears in the log")
	}
}

func TestSTSTokenFromTheEnvironmentWorks(t *testing.T) {
	_, base, fleets := secSimulator(t)
	exp := startExporter(t, pinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1")
	mfs, _, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	// The simulator refuses an STS key without its token
	// (InvalidSecurityToken.Malformed), so a complete scrape proves the
	// token was sent.
	if errs := series(mfs, "ecs_scrape_errors_total", "region", "code"); len(errs) != 0 {
		t.Errorf("scrape errors: %v", errs)
	}
	if !strings.Contains(exp.Stderr.String(), "provider=default/env") {
		t.Errorf("the log does not name the environment provider:\n%s", exp.Stderr)
	}
}

func TestSIGTERMLetsTheScrapeInFlightFinish(t *testing.T) {
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 30, 31),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 5, 32),
	}
	// Every answer from cn-hangzhou takes 2s, so the scrape is in flight
	// for at least that long.
	sim, base := startSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     fleets,
		Latency:     map[string]time.Duration{"cn-hangzhou": 2 * time.Second},
	})
	cmd := exec.Command(binary, "--web.listen-address=127.0.0.1:0", "--aliyun.endpoint="+base,
		"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1", "--collector.timeout=20s")
	cmd.Env = pinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+testKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+testSecret)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var exitErr error
	go func() { exitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("exporter stderr:\n%s", stderr)
		}
	}()
	addr := waitListening(t, stderr, exited)

	type result struct {
		code int
		body string
		err  error
	}
	done := make(chan result, 1)
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	go func() {
		code, body, err := secGet(t, client, "http://"+addr+"/metrics", "", "")
		done <- result{code, body, err}
	}()
	// SIGTERM once the simulator has the scrape's first call in hand.
	deadline := time.Now().Add(15 * time.Second)
	for sim.Stats("cn-hangzhou").Calls == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the scrape never reached the simulator")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the exporter did not exit within 30s of SIGTERM")
	}
	exitedAfter := time.Since(sent)
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the scrape in flight never ended")
	}
	t.Logf("SIGTERM: exit %v after %v; scrape in flight: HTTP %d, err %v", exitErr, exitedAfter.Round(time.Millisecond), r.code, r.err)
	if exitErr != nil {
		t.Errorf("exit: %v, want status 0", exitErr)
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Error("no \"shutting down\" in the log")
	}
	if r.err != nil || r.code != http.StatusOK {
		t.Fatalf("main.go run(): web.ListenAndServe returns http.ErrServerClosed as soon as srv.Shutdown starts, "+
			"run() returns and its defers (exp.Close(), client.Close()) cancel the sweep while the process exits, so the scrape in flight "+
			"gets no answer (err %v, HTTP %d); wait for the Shutdown goroutine to finish (a done channel) before returning, "+
			"and close the exporter only after that", r.err, r.code)
	}
	// The scrape finished (cn-hangzhou complete) or was cancelled
	// cleanly (a whole answer, cn-hangzhou down with "timeout");
	// eu-central-1 had answered before the signal either way.
	mfs := parse(t, []byte(r.body))
	status := series(mfs, "ecs_instance_status", "instance_id", "region", "status")
	checkFleet(t, status, "eu-central-1", fleets["eu-central-1"])
	if series(mfs, "ecs_up", "region")["cn-hangzhou"] == 1 {
		checkFleet(t, status, "cn-hangzhou", fleets["cn-hangzhou"])
		t.Log("the scrape in flight finished")
		return
	}
	if got := series(mfs, "ecs_scrape_errors_total", "region", "code")["cn-hangzhou timeout"]; got != 1 {
		t.Errorf("cn-hangzhou is down but not for a timeout: %v", series(mfs, "ecs_scrape_errors_total", "region", "code"))
	}
	t.Log("the scrape in flight was cancelled cleanly")
}

// waitListening polls the log until the exporter listens and returns the
// address.
func waitListening(t *testing.T, stderr *lockedBuffer, exited <-chan struct{}) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
		select {
		case <-exited:
			t.Fatalf("exporter exited before listening:\n%s", stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("exporter did not listen within 30s:\n%s", stderr)
	return ""
}
