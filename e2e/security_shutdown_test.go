package e2e

// A graceful SIGTERM with a scrape in flight.

import (
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestSIGTERMLetsTheScrapeInFlightFinish(t *testing.T) {
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 30, 31),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 5, 32),
	}
	// Every answer from cn-hangzhou takes 2s, so the scrape is in flight
	// for at least that long.
	sim, base := testenv.StartSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{testKey: {Secret: testSecret}},
		Regions:     fleets,
		Latency:     map[string]time.Duration{"cn-hangzhou": 2 * time.Second},
	})
	cmd := exec.Command(binary, "--web.listen-address=127.0.0.1:0", "--aliyun.endpoint="+base,
		"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1", "--collector.timeout=20s")
	cmd.Env = keyEnv(t)
	stderr := &testenv.LockedBuffer{}
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
	addr := testenv.WaitListening(t, stderr, exited)

	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	done := testenv.GetInBackground(client, "http://"+addr+"/metrics")
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
	var r testenv.Response
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the scrape in flight never ended")
	}
	t.Logf("SIGTERM: exit %v after %v; scrape in flight: HTTP %d, err %v", exitErr, exitedAfter.Round(time.Millisecond), r.Code, r.Err)
	if exitErr != nil {
		t.Errorf("exit: %v, want status 0", exitErr)
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Error("no \"shutting down\" in the log")
	}
	if r.Err != nil || r.Code != http.StatusOK {
		t.Fatalf("main.go run(): web.ListenAndServe returns http.ErrServerClosed as soon as srv.Shutdown starts, "+
			"run() returns and its defers (exp.Close(), client.Close()) cancel the sweep while the process exits, so the scrape in flight "+
			"gets no answer (err %v, HTTP %d); wait for the Shutdown goroutine to finish (a done channel) before returning, "+
			"and close the exporter only after that", r.Err, r.Code)
	}
	// The scrape finished (cn-hangzhou complete) or was cancelled
	// cleanly (a whole answer, cn-hangzhou down with "timeout");
	// eu-central-1 had answered before the signal either way.
	mfs := testenv.Parse(t, []byte(r.Body))
	status := testenv.Series(mfs, "ecs_instance_status", "instance_id", "region", "status")
	checkFleet(t, status, "eu-central-1", fleets["eu-central-1"])
	if testenv.Series(mfs, "ecs_up", "region")["cn-hangzhou"] == 1 {
		checkFleet(t, status, "cn-hangzhou", fleets["cn-hangzhou"])
		t.Log("the scrape in flight finished")
		return
	}
	if got := testenv.Series(mfs, "ecs_scrape_errors_total", "region", "code")["cn-hangzhou timeout"]; got != 1 {
		t.Errorf("cn-hangzhou is down but not for a timeout: %v", testenv.Series(mfs, "ecs_scrape_errors_total", "region", "code"))
	}
	t.Log("the scrape in flight was cancelled cleanly")
}
