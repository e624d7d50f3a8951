package app

import (
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestEveryAcceptedMetricsPathServesTheMetricsAndNothingElse(t *testing.T) {
	testenv.PinEnv(t)
	for _, path := range []string{"/metrics", "/fleet/metrics", "/ecs-metrics_v1.txt", "/~ecs", "/probe/metrics"} {
		t.Run(path, func(t *testing.T) {
			a, _ := newApp(t, "--demo", "--aliyun.region=us-west-1", "--web.telemetry-path="+path)
			code, body := get(t, a, path)
			if code != 200 || !strings.Contains(body, `ecs_up{region="us-west-1"} 1`) {
				t.Errorf("GET %s: %d\n%s", path, code, body)
			}
			if code, _ := get(t, a, path+"x"); code != 404 {
				t.Errorf("GET %sx: %d, want 404", path, code)
			}
			if code, _ := get(t, a, "/probe?region=us-west-1"); code != 200 {
				t.Errorf("GET /probe: %d", code)
			}
		})
	}
}
