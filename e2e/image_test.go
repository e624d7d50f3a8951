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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
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

// imageArchs are the architectures of the image's manifest list, as `make
// image` builds it.
var imageArchs = []string{"amd64", "arm64"}

// imageConfig is what the test reads of `buildah inspect --type image`.
type imageConfig struct {
	FromImageDigest string `json:"FromImageDigest"`
	OCIv1           struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Config       struct {
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

// TestImageBuildsFromScratchAndServesMetricsAsNobody builds the image from
// the Dockerfile with buildah, as `make image` does where buildah is the
// builder: one image per architecture and a manifest list over them. It
// checks the list and each image's config, runs this machine's image with
// --demo and scrapes it, and reads the uid of the process serving /metrics
// from /proc.
func TestImageBuildsFromScratchAndServesMetricsAsNobody(t *testing.T) {
	t.Parallel()
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
	// .dockerignore, LICENSE, NOTICE and the static binaries of `make
	// crossbuild`.
	ctx := filepath.Join(dir, "context")
	for _, arch := range imageArchs {
		bin := crossBinary(t, arch)
		checkStatic(t, bin)
		if err := os.MkdirAll(filepath.Join(ctx, ".build", "linux-"+arch), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, bin, filepath.Join(ctx, ".build", "linux-"+arch, "aliyun_ecs_exporter"))
	}
	for _, f := range []string{"Dockerfile", ".dockerignore", "LICENSE", "NOTICE"} {
		copyFile(t, repoPath(t, f), filepath.Join(ctx, f))
	}
	const list = "localhost/aliyun_ecs_exporter:e2e"
	images := buildManifestList(t, b, ctx, list)
	for _, arch := range imageArchs {
		checkImageConfig(t, b, images[arch], arch)
	}
	image := images[runtime.GOARCH]
	if image == "" {
		t.Fatalf("no image for this machine's architecture %s", runtime.GOARCH)
	}

	container := b.run(t, "from", "--name", "aliyun-ecs-e2e", image)
	run := b.cmd("run", "--isolation", "chroot", "--network", "host", container, "--",
		"/aliyun_ecs_exporter", "--demo", "--web.listen-address=127.0.0.1:0")
	run.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &testenv.LockedBuffer{}
	run.Stdout, run.Stderr = out, out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = run.Wait(); close(exited) }()
	var served int // the exporter's process in the container
	t.Cleanup(func() { stopContainer(t, run.Process.Pid, served, exited, out) })

	var url string
	if err := testenv.Eventually(time.Minute, 50*time.Millisecond, func() error {
		if addr, ok := testenv.ListenAddress(out.String()); ok {
			url = "http://" + addr
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
	up := testenv.Series(testenv.Parse(t, body), "ecs_up", "region")
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

// buildManifestList builds one image per architecture in imageArchs and
// the manifest list over them, and checks that the list names each
// platform once, pointing at that image. It returns the images by
// architecture.
func buildManifestList(t *testing.T, b buildah, ctx, list string) map[string]string {
	t.Helper()
	b.run(t, "manifest", "create", list)
	images := map[string]string{}
	for _, arch := range imageArchs {
		images[arch] = list + "-linux-" + arch
		b.run(t, "bud", "--isolation", "chroot", "--platform", "linux/"+arch, "--build-arg", "VERSION=e2e",
			"-t", images[arch], ctx)
		b.run(t, "manifest", "add", list, images[arch])
	}
	var manifest struct {
		Manifests []struct {
			Digest   string `json:"digest"`
			Platform struct {
				Architecture string `json:"architecture"`
				OS           string `json:"os"`
			} `json:"platform"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal([]byte(b.run(t, "manifest", "inspect", list)), &manifest); err != nil {
		t.Fatal(err)
	}
	var platforms []string
	for _, m := range manifest.Manifests {
		platform := m.Platform.OS + "/" + m.Platform.Architecture
		platforms = append(platforms, platform)
		if want := inspectImage(t, b, images[m.Platform.Architecture]).FromImageDigest; m.Digest != want {
			t.Errorf("manifest list: %s is %s, want the %s image %s", platform, m.Digest, m.Platform.Architecture, want)
		}
	}
	slices.Sort(platforms)
	t.Logf("manifest list %s: platforms %v", list, platforms)
	if want := []string{"linux/amd64", "linux/arm64"}; !slices.Equal(platforms, want) {
		t.Errorf("manifest list platforms %v, want %v", platforms, want)
	}
	return images
}

func inspectImage(t *testing.T, b buildah, image string) imageConfig {
	t.Helper()
	var cfg imageConfig
	if err := json.Unmarshal([]byte(b.run(t, "inspect", "--type", "image", image)), &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// checkImageConfig asserts the image runs the exporter as 65534 on arch,
// exposes 9877 and is one layer on scratch.
func checkImageConfig(t *testing.T, b buildah, image, arch string) {
	t.Helper()
	cfg := inspectImage(t, b, image)
	c := cfg.OCIv1.Config
	t.Logf("image %s config: %s/%s, User %q, ExposedPorts %v, Entrypoint %q, source %q, %d layer(s)",
		image, cfg.OCIv1.OS, cfg.OCIv1.Architecture, c.User, c.ExposedPorts, c.Entrypoint,
		c.Labels["org.opencontainers.image.source"], len(cfg.OCIv1.RootFS.DiffIDs))
	if cfg.OCIv1.OS != "linux" || cfg.OCIv1.Architecture != arch {
		t.Errorf("image %s is for %s/%s, want linux/%s", image, cfg.OCIv1.OS, cfg.OCIv1.Architecture, arch)
	}
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
		t.Errorf("%d layers, want 1 (FROM scratch plus the binary, LICENSE and NOTICE)", n)
	}
}

// stopContainer stops buildah run by its process ID, and the exporter in it
// by its own if it outlives buildah.
func stopContainer(t *testing.T, pid, served int, exited chan struct{}, out *testenv.LockedBuffer) {
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
