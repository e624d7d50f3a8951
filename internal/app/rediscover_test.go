package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/go-kit/log"
)

// scriptedLister answers each DescribeRegions with the next answer, then
// repeats the last one.
type scriptedLister struct {
	mu      sync.Mutex
	answers []lister
}

func (s *scriptedLister) Regions(ctx context.Context, b string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	return next.Regions(ctx, b)
}

// recordingTarget holds regions and records every SetRegions.
type recordingTarget struct {
	mu      sync.Mutex
	regions []string
	sets    [][]string
}

func (r *recordingTarget) Regions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.regions)
}

func (r *recordingTarget) SetRegions(regions []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.regions = slices.Clone(regions)
	r.sets = append(r.sets, r.regions)
}

func TestRediscoveryFollowsTheRegionsAndKeepsThemWhenListingFailsOrIsNotRegionIDs(t *testing.T) {
	l := &scriptedLister{answers: []lister{
		{regions: []string{"cn-hangzhou"}},
		{regions: []string{"cn-hangzhou", "eu-central-1"}},
		{err: errors.New("DescribeRegions: connection reset")},
		{regions: []string{"cn-hangzhou", "eu-central-1", "us-west-1\n"}},
		{regions: []string{"cn-hangzhou", "eu-central-1", "us-west-1"}},
	}}
	target := &recordingTarget{regions: []string{"cn-hangzhou"}}
	logs := &testenv.LockedBuffer{}
	stop := rediscovery{lister: l, target: target, every: time.Millisecond, logger: log.NewLogfmtLogger(logs)}.start(context.Background())

	want := []string{"cn-hangzhou", "eu-central-1", "us-west-1"}
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Equal(target.Regions(), want) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("regions stayed %v; log:\n%s", target.Regions(), logs)
		}
		time.Sleep(time.Millisecond)
	}
	stop() // returns once the goroutine has ended

	// The unchanged answers (the first, and the last, repeated) set
	// nothing; the failure kept eu-central-1.
	if want := [][]string{{"cn-hangzhou", "eu-central-1"}, want}; !slices.EqualFunc(target.sets, want, slices.Equal) {
		t.Errorf("SetRegions calls %v, want %v", target.sets, want)
	}
	for _, line := range []string{
		"re-discovering regions failed; keeping the current ones", `err="DescribeRegions returned \"us-west-1\\n\", which is not a region ID`,
		"regions=cn-hangzhou,eu-central-1,us-west-1",
	} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("the log lacks %q:\n%s", line, logs)
		}
	}
}

func TestRediscoveryEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		rediscovery{lister: lister{}, target: &recordingTarget{}, every: time.Hour, logger: log.NewNopLogger()}.run(ctx)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}
