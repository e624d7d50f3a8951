package testenv

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"
)

// Exporter is a running exporter process.
type Exporter struct {
	// URL is the base URL it serves, http://127.0.0.1:port.
	URL string
	// Stderr is its log.
	Stderr *LockedBuffer

	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has exited
}

// StartExporter runs prog (the binary, or an emulator and a binary of
// another architecture, with their arguments) with env and args on a free
// loopback port, and waits until it listens. It is stopped (SIGINT, then
// kill after 10 seconds) when the test ends, and its log is shown if the
// test failed.
func StartExporter(tb testing.TB, env, prog []string, args ...string) *Exporter {
	tb.Helper()
	argv := slices.Concat(prog[1:], []string{"--web.listen-address=127.0.0.1:0"}, args)
	cmd := exec.Command(prog[0], argv...)
	cmd.Env = env
	e := &Exporter{Stderr: &LockedBuffer{}, cmd: cmd, exited: make(chan struct{})}
	cmd.Stderr = e.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(e.exited)
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-e.exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-e.exited
		}
		if tb.Failed() {
			tb.Logf("exporter stderr:\n%s", e.Stderr)
		}
	})
	e.URL = "http://" + WaitListening(tb, e.Stderr, e.exited)
	return e
}

// Stop sends SIGTERM and waits up to 15 seconds until the process has
// exited, so that its log is complete.
func (e *Exporter) Stop(tb testing.TB) {
	tb.Helper()
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(15 * time.Second):
		tb.Fatalf("the exporter did not stop within 15s of SIGTERM:\n%s", e.Stderr)
	}
}
