package app

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var listening = regexp.MustCompile(`msg="?Listening on"? address=(127\.0\.0\.1:\d+)`)

// waitLog polls the log until re matches, and returns the match.
func waitLog(t *testing.T, logs *lockedBuffer, re *regexp.Regexp, exited <-chan error) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			return m
		}
		select {
		case err := <-exited:
			t.Fatalf("Run returned %v before the log showed %s:\n%s", err, re, logs)
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("the log never showed %s:\n%s", re, logs)
	return nil
}

func TestRunServesUntilItsContextEndsAndShrugsOffSIGHUP(t *testing.T) {
	pinEnv(t)
	opts := parse(t, "--demo", "--aliyun.region=us-west-1", "--web.listen-address=127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	exited := make(chan error, 1)
	go func() { exited <- Run(ctx, opts, &strings.Builder{}, logs) }()
	addr := waitLog(t, logs, listening, exited)[1]

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, logs, regexp.MustCompile(`SIGHUP ignored`), exited)
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /metrics after SIGHUP: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("no \"shutting down\" in the log:\n%s", logs)
	}
}
