package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
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
