package e2e

import (
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildah runs buildah with its own storage under dir, so that the test
// neither sees nor leaves images in the machine's store. The vfs driver
// needs no mounts, so removing dir removes everything.
type buildah struct {
	path, root, runroot string
}

func (b buildah) cmd(args ...string) *exec.Cmd {
	return exec.Command(b.path, append([]string{"--root", b.root, "--runroot", b.runroot, "--storage-driver", "vfs"}, args...)...)
}

func (b buildah) run(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr strings.Builder
	cmd := b.cmd(args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("buildah %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// TestImageBuildsFromScratchAndServesMetricsAsNobody builds the image from
// the Dockerfile with buildah, as `make image` does where buildah is the
// builder, runs it with --demo and scrapes it, and reads the uid of the
// process serving /metrics from /proc.
func TestImageBuildsFromScratchAndServesMetricsAsNobody(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("buildah --isolation chroot needs root here; `make test` runs as root in CI")
	}
	dir, err := os.MkdirTemp("", "aliyun_ecs_exporter-image")
	if err != nil {
		t.Fatal(err)
	}
	b := buildah{path: lookTool(t, "buildah", "buildah"), root: dir + "/root", runroot: dir + "/runroot"}
	t.Cleanup(func() {
		_ = b.cmd("rm", "--all").Run()
		_ = b.cmd("rmi", "--all", "--force").Run()
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing buildah's storage: %v", err)
		}
	})

	// The context holds what `make image` sends: the Dockerfile, the
	// .dockerignore and the static binary.
	ctx := filepath.Join(dir, "context")
	if err := os.MkdirAll(ctx, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		copyFile(t, repoPath(t, f), filepath.Join(ctx, f))
	}
	copyFile(t, binary, filepath.Join(ctx, "aliyun_ecs_exporter"))
	checkStatic(t, binary)
	const image = "localhost/aliyun_ecs_exporter:e2e"
	b.run(t, "bud", "--isolation", "chroot", "--build-arg", "VERSION=e2e", "-t", image, ctx)

	var cfg struct {
		OCIv1 struct {
			Config struct {
				User         string              `json:"User"`
				ExposedPorts map[string]struct{} `json:"ExposedPorts"`
				Entrypoint   []string            `json:"Entrypoint"`
				Labels       map[string]string   `json:"Labels"`
			} `json:"config"`
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		} `json:"OCIv1"`
	}
	if err := json.Unmarshal([]byte(b.run(t, "inspect", "--type", "image", image)), &cfg); err != nil {
		t.Fatal(err)
	}
	c := cfg.OCIv1.Config
	t.Logf("image config: User %q, ExposedPorts %v, Entrypoint %q, source %q, %d layer(s)",
		c.User, c.ExposedPorts, c.Entrypoint, c.Labels["org.opencontainers.image.source"], len(cfg.OCIv1.RootFS.DiffIDs))
	if c.User != "65534:65534" {
		t.Errorf("image user %q, want 65534:65534", c.User)
	}
	if _, ok := c.ExposedPorts["9877/tcp"]; !ok {
		t.Errorf("image exposes %v, want 9877/tcp", c.ExposedPorts)
	}
	if len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/aliyun_ecs_exporter" {
		t.Errorf("entrypoint %q", c.Entrypoint)
	}
	if !strings.HasPrefix(c.Labels["org.opencontainers.image.source"], "https://github.com/") {
		t.Errorf("no OCI source label: %v", c.Labels)
	}
	if n := len(cfg.OCIv1.RootFS.DiffIDs); n != 1 {
		t.Errorf("%d layers, want 1 (FROM scratch plus the binary)", n)
	}

	container := b.run(t, "from", "--name", "aliyun-ecs-e2e", image)
	run := b.cmd("run", "--isolation", "chroot", "--network", "host", container, "--",
		"/aliyun_ecs_exporter", "--demo", "--web.listen-address=127.0.0.1:0")
	run.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &lockedBuffer{}
	run.Stdout, run.Stderr = out, out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = run.Wait(); close(exited) }()
	var served int // the exporter's process in the container
	t.Cleanup(func() { stopContainer(t, run.Process.Pid, served, exited, out) })

	var url string
	if err := eventually(time.Minute, 50*time.Millisecond, func() error {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			url = "http://" + m[1]
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("buildah run exited")
		default:
			return fmt.Errorf("not listening yet")
		}
	}); err != nil {
		t.Fatalf("the container did not listen: %v\n%s", err, out)
	}
	code, body := scrape(t, url+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics from the container: %d", code)
	}
	up := series(parse(t, body), "ecs_up", "region")
	if len(up) == 0 {
		t.Fatalf("the container's /metrics has no ecs_up:\n%.2000s", body)
	}
	promtoolCheckMetrics(t, body)

	served = descendant(t, run.Process.Pid, "/aliyun_ecs_exporter")
	if served == 0 {
		t.Fatal("no /aliyun_ecs_exporter process under buildah run")
	}
	status := procStatus(t, served)
	t.Logf("container process %d serving %s/metrics (ecs_up for %d regions): %s, %s", served, url, len(up), status["Uid"], status["Gid"])
	for _, key := range []string{"Uid", "Gid"} {
		for _, id := range strings.Fields(status[key]) {
			if id != "65534" {
				t.Errorf("%s: %s, want 65534 throughout (real, effective, saved, filesystem)", key, status[key])
				break
			}
		}
	}
}

// stopContainer stops buildah run by its process ID, and the exporter in it
// by its own if it outlives buildah.
func stopContainer(t *testing.T, pid, served int, exited chan struct{}, out *lockedBuffer) {
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
	}
	if served != 0 {
		if err := syscall.Kill(served, 0); err == nil {
			_ = syscall.Kill(served, syscall.SIGKILL)
		}
	}
	if t.Failed() {
		t.Logf("buildah run output:\n%s", out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkStatic asserts the binary needs no dynamic loader: the image has none.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("%s is dynamically linked; build with CGO_ENABLED=0", path)
		}
	}
}

var statusLine = regexp.MustCompile(`^(\w+):\s*(.*)$`)

// procStatus reads /proc/PID/status.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if m := statusLine.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

// descendant finds a process below ancestor whose first argument is argv0.
func descendant(t *testing.T, ancestor int, argv0 string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || strings.SplitN(string(cmdline), "\x00", 2)[0] != argv0 {
			continue
		}
		for p := pid; p > 1; p = parentPID(p) {
			if p == ancestor {
				return pid
			}
		}
	}
	return 0
}

func parentPID(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}
