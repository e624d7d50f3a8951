// Command aliyun_ecs_exporter exposes the status of Alibaba Cloud ECS
// instances to Prometheus.
package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
	// CA roots for images without a system bundle (FROM scratch); the
	// system's roots win wherever they exist.
	_ "golang.org/x/crypto/x509roots/fallback"
)

const name = "aliyun_ecs_exporter"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var cfg config
	app := kingpin.New(name, "Prometheus exporter for Alibaba Cloud ECS instance status.")
	addFlags(app, &cfg)
	webFlags := kingpinflag.AddFlags(app, ":9877")
	app.Version(version.Print(name))
	app.HelpFlag.Short('h')
	if _, err := app.Parse(args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	logger, slogger := newLogger(cfg.logFormat, cfg.logLevel)
	level.Info(logger).Log("msg", "starting "+name, "version", version.Info(), "build_context", version.BuildContext())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var demo *simulator.Config
	if cfg.demo {
		demo = demoDefaults(&cfg)
	}
	zones, err := aliyun.AssignZones(cfg.zones, cfg.regions)
	if err != nil {
		return fmt.Errorf("--aliyun.zone: %w", err)
	}
	cred, err := credential(ctx, &cfg, demo, logger)
	if err != nil {
		return err
	}
	requests := collector.NewRequestMetrics()
	client, err := aliyun.New(aliyun.Options{
		Regions: cfg.regions, Credential: cred, Endpoint: cfg.endpointURL, Network: cfg.network,
		PageSize: cfg.pageSize, RateLimit: cfg.rateLimit, MaxInflight: cfg.maxInflight,
		MaxRetries: cfg.maxRetries, Observer: requests,
	})
	if err != nil {
		return err
	}
	defer client.Close()
	exp := collector.New(client, collector.Options{
		Regions: cfg.regions, Zones: zones, CacheTTL: cfg.cacheTTL, MaxStaleness: cfg.maxStaleness,
		OnlyCurrent: cfg.onlyCurrent, Logger: logger,
	})
	defer exp.Close()
	for _, r := range cfg.regions {
		level.Info(logger).Log("msg", "exporting region", "region", r, "endpoint", client.Endpoint(r), "zones", strings.Join(zones[r], ","))
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		versioncollector.NewCollector(name),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		requests, exp,
	)
	mux := http.NewServeMux()
	mux.Handle(cfg.metricsPath, promhttp.InstrumentMetricHandler(reg, collector.Handler(exp, collector.HandlerOpts{
		Timeout: cfg.timeout, Offset: cfg.offset, Gatherer: reg, Logger: logger,
	})))
	landing, err := web.NewLandingPage(web.LandingConfig{
		Name:        name,
		Description: "Prometheus exporter for Alibaba Cloud ECS instance status",
		Version:     version.Info(),
		Links:       []web.LandingLinks{{Address: cfg.metricsPath, Text: "Metrics"}},
		ExtraHTML:   "<p>Regions: " + html.EscapeString(strings.Join(cfg.regions, ", ")) + "</p>",
	})
	if err != nil {
		return err
	}
	mux.Handle("/", landing)

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		level.Info(logger).Log("msg", "shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.timeout+5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := web.ListenAndServe(srv, webFlags, slogger); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// credential resolves the vendor default chain, or in demo mode starts the
// built-in simulator and points the exporter at it.
func credential(ctx context.Context, cfg *config, demo *simulator.Config, logger log.Logger) (aliyun.Credential, error) {
	if demo != nil {
		return startDemo(ctx, cfg, *demo, logger)
	}
	cred, err := aliyun.DefaultCredential()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", aliyun.ErrNoCredentials, err)
	}
	provider, err := aliyun.ResolveCredential(cred)
	if err != nil {
		return nil, err
	}
	level.Info(logger).Log("msg", "using credentials", "provider", provider)
	return cred, nil
}

// demoDefaults returns the simulated fleet and, unless regions were given,
// exports all of its regions.
func demoDefaults(cfg *config) *simulator.Config {
	sc := simulator.Demo()
	if len(cfg.regions) == 0 {
		for r := range sc.Regions {
			cfg.regions = append(cfg.regions, r)
		}
		slices.Sort(cfg.regions)
	}
	return &sc
}

func startDemo(ctx context.Context, cfg *config, sc simulator.Config, logger log.Logger) (aliyun.Credential, error) {
	sim := simulator.New(sc)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("--demo: starting the simulator: %w", err)
	}
	go sim.Churn(ctx, 10*time.Second, time.Now().UnixNano())
	if cfg.endpointURL == nil {
		cfg.endpointURL, _ = parseEndpoint(base)
	}
	level.Info(logger).Log("msg", "demo mode: serving a simulated fleet", "simulator", base)
	return aliyun.StaticCredential(simulator.DemoAccessKeyID, simulator.DemoAccessKeySecret, "")
}
