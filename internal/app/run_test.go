package app

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestRunServesUntilItsContextEndsAndShrugsOffSIGHUP(t *testing.T) {
	testenv.PinEnv(t)
	opts := parse(t, "--demo", "--aliyun.region=us-west-1", "--web.listen-address=127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &testenv.LockedBuffer{}
	exited := make(chan error, 1)
	go func() { exited <- Run(ctx, opts, &strings.Builder{}, logs) }()
	addr := testenv.WaitListening(t, logs, exited)

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testenv.WaitLog(t, logs, regexp.MustCompile(`SIGHUP ignored`), exited)
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
