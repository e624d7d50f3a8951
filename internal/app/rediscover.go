package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// bootstrapRegion answers DescribeRegions for --aliyun.region=all.
const bootstrapRegion = "cn-hangzhou"

// rediscoverEvery is how often --aliyun.region=all looks for new regions.
const rediscoverEvery = time.Hour

// rediscoverTimeout bounds one DescribeRegions call of the rediscovery.
const rediscoverTimeout = time.Minute

// checkRegionIDs holds the regions DescribeRegions lists to the check
// --aliyun.region passes: they become labels, log values and links.
func checkRegionIDs(regions []string) error {
	for _, r := range regions {
		if !config.ValidRegion(r) {
			return fmt.Errorf("DescribeRegions returned %q, which is not a region ID such as cn-hangzhou", r)
		}
	}
	return nil
}

// regionLister lists the regions an account can use: aliyun.Client.
type regionLister interface {
	Regions(ctx context.Context, bootstrap string) ([]string, error)
}

// regionTarget is what rediscovery keeps up to date: collector.Exporter.
type regionTarget interface {
	Regions() []string
	SetRegions(regions []string)
}

// rediscovery refreshes the regions of --aliyun.region=all.
type rediscovery struct {
	lister regionLister
	target regionTarget
	every  time.Duration
	logger log.Logger
}

// start runs the rediscovery in its own goroutine until ctx ends or the
// returned stop is called; stop waits for it to end.
func (r rediscovery) start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// run lists the regions every r.every until ctx ends, and gives the target
// the new list when it changed. A failed listing keeps the current regions.
func (r rediscovery) run(ctx context.Context) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.once(ctx)
	}
}

func (r rediscovery) once(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, rediscoverTimeout)
	defer cancel()
	regions, err := r.lister.Regions(ctx, bootstrapRegion)
	if err != nil {
		level.Warn(r.logger).Log("msg", "re-discovering regions failed; keeping the current ones", "code", aliyun.ErrorCode(err), "err", err)
		return
	}
	if err := checkRegionIDs(regions); err != nil {
		level.Warn(r.logger).Log("msg", "re-discovering regions failed; keeping the current ones", "err", err)
		return
	}
	if old := r.target.Regions(); !slices.Equal(old, regions) {
		level.Info(r.logger).Log("msg", "regions changed", "regions", strings.Join(regions, ","))
		r.target.SetRegions(regions)
	}
}
