package e2e

import (
	"debug/elf"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// crossBuilds holds the binaries built for other architectures, once each
// for the whole package, beside the host binary (TestMain removes them).
var crossBuilds struct {
	sync.Mutex
	path map[string]string
}

// releaseStamp is the version and revision that crossBinary stamps, as
// `make crossbuild` does: VERSION, and the commit (unknown outside git).
func releaseStamp(t *testing.T) (version, revision string) {
	t.Helper()
	v, err := os.ReadFile(repoPath(t, "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	revision = "unknown"
	if out, err := exec.Command("git", "-C", repoPath(t, "."), "rev-parse", "HEAD").Output(); err == nil {
		revision = strings.TrimSpace(string(out))
	}
	return strings.TrimSpace(string(v)), revision
}

// crossBinary is the exporter for linux/goarch, built the way `make
// crossbuild` builds release binaries (static, -trimpath, no build ID,
// version and revision stamped). On this machine's architecture it is the
// package's binary.
func crossBinary(t *testing.T, goarch string) string {
	t.Helper()
	if goarch == runtime.GOARCH {
		return binary
	}
	crossBuilds.Lock()
	defer crossBuilds.Unlock()
	if path, ok := crossBuilds.path[goarch]; ok {
		return path
	}
	version, revision := releaseStamp(t)
	path := filepath.Join(filepath.Dir(binary), "linux-"+goarch, "aliyun_ecs_exporter")
	const pkg = "github.com/prometheus/common/version"
	ldflags := fmt.Sprintf("-s -w -buildid= -X %s.Version=%s -X %s.Revision=%s", pkg, version, pkg, revision)
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", path, "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the exporter for linux/%s: %v\n%s", goarch, err, out)
	}
	if crossBuilds.path == nil {
		crossBuilds.path = map[string]string{}
	}
	crossBuilds.path[goarch] = path
	return path
}

// lookQemuAarch64 finds Debian's qemu-user emulator for arm64. Outside CI a
// machine without it skips the test; in CI (CI=true) that is a failure,
// since `make deps` installs it.
func lookQemuAarch64(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"qemu-aarch64", "qemu-aarch64-static"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "qemu-aarch64 is not installed; `make deps` (part of `make test`) installs Debian's qemu-user package"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (in CI this fails instead)")
	return ""
}

// checkMachine asserts the binary is a static ELF executable for machine.
func checkMachine(t *testing.T, path string, machine elf.Machine) {
	t.Helper()
	checkStatic(t, path)
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != machine {
		t.Fatalf("%s is built for %v, want %v", path, f.Machine, machine)
	}
}

// TestArm64BinaryServesTheDemoFleetUnderQemu runs the linux/arm64 build, the
// one for Yitian (g8y, c8y, r8y) instances, under qemu-user: it must report
// its version and revision, and serve every instance of the demo fleet.
func TestArm64BinaryServesTheDemoFleetUnderQemu(t *testing.T) {
	t.Parallel()
	qemu := lookQemuAarch64(t)
	bin := crossBinary(t, "arm64")
	checkMachine(t, bin, elf.EM_AARCH64)

	version, revision := releaseStamp(t)
	out, err := exec.Command(qemu, bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-aarch64 aliyun_ecs_exporter --version: %v\n%s", err, out)
	}
	for _, want := range []string{"version " + version + " ", "revision: " + revision + ")", "linux/arm64"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--version does not say %q:\n%s", want, out)
		}
	}
	t.Logf("qemu-aarch64 aliyun_ecs_exporter --version: %s", strings.SplitN(string(out), "\n", 2)[0])

	trap, hits := proxyTrap(t)
	exp := testenv.StartExporter(t, testenv.PinnedEnv(t, "HTTP_PROXY="+trap, "HTTPS_PROXY="+trap), []string{qemu, bin}, "--demo")
	code, body := scrape(t, exp.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", code)
	}
	mfs := testenv.Parse(t, body)
	got := map[string][]string{} // region: instance IDs at a value-1 status
	for key, v := range testenv.Series(mfs, "ecs_instance_status", "region", "instance_id", "status") {
		if f := strings.Fields(key); v == 1 && len(f) == 3 {
			got[f[0]] = append(got[f[0]], f[1])
		}
	}
	up := testenv.Series(mfs, "ecs_up", "region")
	demo := simulator.Demo().Regions
	instances, wantInstances := 0, 0
	for region, fleet := range demo {
		var want []string
		for _, in := range fleet {
			want = append(want, in.ID)
		}
		slices.Sort(want)
		slices.Sort(got[region])
		if !slices.Equal(got[region], want) {
			t.Errorf("%s: %d instances at a status, want the demo's %d", region, len(got[region]), len(want))
		}
		if up[region] != 1 {
			t.Errorf("ecs_up{region=%q} = %g, want 1", region, up[region])
		}
		instances += len(got[region])
		wantInstances += len(want)
	}
	if len(up) != len(demo) || len(got) != len(demo) {
		t.Errorf("%d regions in ecs_up and %d with instances, want the demo's %d", len(up), len(got), len(demo))
	}
	t.Logf("linux/arm64 under qemu-aarch64: /metrics serves %d instances in %d regions (demo fleet: %d in %d)",
		instances, len(up), wantInstances, len(demo))
	promtoolCheckMetrics(t, body)
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests tried to leave the machine through the proxy", n)
	}
}
