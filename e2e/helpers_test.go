// Package e2e runs the built exporter binary as a user would: as a process,
// configured by flags and environment, scraped over HTTP.
//
// The slow tests that mostly wait (on Prometheus and Alertmanager, buildah,
// qemu or Python) call t.Parallel, so they run side by side once the others
// are done; make test lets 8 run at once (-parallel 8). Tests whose
// assertions hang on timing (shared sweeps, shutdown) stay serial.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// binary is the exporter built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aliyun_ecs_exporter-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "aliyun_ecs_exporter")
	// Static and -trimpath, as `make build` builds it and as the container
	// image needs it (make test compiles its packages in the same way first).
	build := exec.Command("go", "build", "-trimpath", "-o", binary, "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the exporter:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startExporter runs the binary built in TestMain on a free loopback port
// and waits until it listens; it is stopped when the test ends.
func startExporter(t *testing.T, env []string, args ...string) *testenv.Exporter {
	t.Helper()
	return testenv.StartExporter(t, env, []string{binary}, args...)
}
