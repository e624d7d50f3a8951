package handler_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv/fakesource"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// smallFleet has a failing region and an ID that needs escaping.
func smallFleet() *fakesource.Fleets {
	return &fakesource.Fleets{
		Instances: map[string][]aliyun.Instance{
			"cn-hangzhou":  {{ID: "i-a", Status: "Running"}, {ID: "i-b", Status: "Stopped"}},
			"eu-central-1": {{ID: "i-\"odd\"", Status: "Hibernated"}},
		},
		Errs: map[string]error{
			"cn-shanghai": &aliyun.Error{Code: "InvalidRegionId.NotFound", HTTPStatus: 404, Err: errors.New("The specified RegionId does not exist.")},
		},
	}
}

// stuckSource never answers: each call waits until its context ends.
type stuckSource struct{ calls atomic.Int64 }

func (s *stuckSource) InstanceStatuses(ctx context.Context, _ string, _ []string) ([]aliyun.Instance, error) {
	s.calls.Add(1)
	<-ctx.Done()
	return nil, &aliyun.Error{Code: aliyun.CodeTimeout, Err: ctx.Err()}
}

// get serves one request through h and returns the response and its body.
func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	return getWithin(t, h, target, "")
}

// getWithin is get with Prometheus's X-Prometheus-Scrape-Timeout-Seconds
// header set to seconds, unless that is "".
func getWithin(t *testing.T, h http.Handler, target, seconds string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if seconds != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", seconds)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// sample is the value of the series in a text-format body, NaN if absent.
func sample(body, series string) float64 {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return math.NaN()
}
