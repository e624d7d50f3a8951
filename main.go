// Command aliyun_ecs_exporter exposes the status of Alibaba Cloud ECS
// instances to Prometheus. main only stamps the version (internal/buildinfo,
// from the embedded VERSION file), parses the flags (internal/options) and
// runs the exporter (internal/app) until SIGINT or SIGTERM; a mistake in
// either is printed with the program's name, and the exit status is 1.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/app"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/buildinfo"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	// CA roots for images without a system bundle (FROM scratch); the
	// system's roots win wherever they exist.
	_ "golang.org/x/crypto/x509roots/fallback"
)

// versionFile is the version `make` stamps with -ldflags, for builds
// without it (go run, go build, go install).
//
//go:embed VERSION
var versionFile string

func main() {
	buildinfo.Stamp(versionFile, debug.ReadBuildInfo)
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", options.Name, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	opts, err := options.Parse(args, os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return app.Run(ctx, opts, os.Stdout, os.Stderr)
}
