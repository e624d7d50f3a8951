package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// TestVersionOfABuildWithoutLdflagsIsVERSIONs runs the binary TestMain
// built with plain `go build`, as `go run` and `go install` build it: no
// -ldflags stamps.
func TestVersionOfABuildWithoutLdflagsIsVERSIONs(t *testing.T) {
	raw, err := os.ReadFile("../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(raw))
	out, err := exec.Command(binary, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	if first, _, _ := strings.Cut(string(out), "\n"); !strings.Contains(first, "version "+want+" ") {
		t.Errorf("--version says %q, want version %s (the VERSION file)", first, want)
	}

	exp := startExporter(t, testenv.PinnedEnv(t), "--demo")
	_, landing := scrape(t, exp.URL+"/")
	if !strings.Contains(string(landing), "Version "+want) {
		t.Errorf("the landing page does not show version %s:\n%s", want, landing)
	}
	_, body := scrape(t, exp.URL+"/metrics")
	info := testenv.Series(testenv.Parse(t, body), "aliyun_ecs_exporter_build_info", "version")
	if _, ok := info[want]; !ok {
		t.Errorf("aliyun_ecs_exporter_build_info = %v, want version %q", info, want)
	}
}

func TestPprofIsServedAndLinkedOnlyWithTheFlag(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		args := []string{"--demo"}
		if enabled {
			args = append(args, "--web.enable-pprof")
		}
		exp := startExporter(t, testenv.PinnedEnv(t), args...)
		_, landing := scrape(t, exp.URL+"/")
		if linked := strings.Contains(string(landing), "/debug/pprof/"); linked != enabled {
			t.Errorf("--web.enable-pprof %v: the landing page links /debug/pprof/: %v", enabled, linked)
		}
		want := map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[enabled]
		for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap"} {
			if code, _ := scrape(t, exp.URL+path); code != want {
				t.Errorf("--web.enable-pprof %v: GET %s: %d, want %d", enabled, path, code, want)
			}
		}
	}
}
