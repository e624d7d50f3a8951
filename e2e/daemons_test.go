package e2e

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// repoRoot is the repository, relative to this package.
const repoRoot = ".."

// repoPath is an absolute path to a file of the repository.
func repoPath(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lookTool finds a program that `make deps` installs.
func lookTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed; `make deps` (part of `make test`) installs Debian's %s package", name, pkg)
	}
	return path
}

// freeAddr returns a loopback address with a port that was free a moment ago,
// for programs that cannot listen on port 0 and report the port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// daemon is a background process started by a test.
type daemon struct {
	Name   string
	Output *testenv.LockedBuffer
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
}

// startDaemon starts a program with a minimal environment (no proxies, a
// temporary HOME) in its own process group, and stops it by its process ID
// (SIGTERM, then SIGKILL to its group after 10s) when the test ends, however
// the test ends.
func startDaemon(t *testing.T, name string, env []string, path string, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	d := &daemon{Name: name, Output: &testenv.LockedBuffer{}, cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.Output, d.Output
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() { d.err = cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, d.Output)
		}
	})
	return d
}

func (d *daemon) stop() {
	pid := d.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-d.exited
	}
}

// waitReady polls url until it answers 200, the daemon exits, or a minute
// passes.
func (d *daemon) waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		if err == nil && resp.StatusCode == http.StatusOK {
			return
		}
		select {
		case <-d.exited:
			t.Fatalf("%s exited before it was ready: %v\n%s", d.Name, d.err, d.Output)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("%s was not ready at %s within a minute:\n%s", d.Name, url, d.Output)
}
