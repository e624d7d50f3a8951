// Command aliyun_ecs_exporter exposes the status of Alibaba Cloud ECS
// instances to Prometheus.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
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
	var cfg settings
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
	if strings.Contains(os.Getenv("DEBUG"), "dara") || strings.Contains(os.Getenv("DEBUG"), "tea") {
		// The SDK reads DEBUG when it loads and then prints every request
		// header, security tokens included, to stdout.
		return errors.New("DEBUG names the Alibaba Cloud SDK (dara/tea), which would print every request header, security tokens included; unset DEBUG and use --log.level=debug")
	}
	var file *config.File
	if cfg.configFile != "" {
		var err error
		if file, err = loadConfig(&cfg); err != nil {
			return err
		}
		if cfg.configCheck {
			fmt.Printf("%s: OK, accounts: %s\n", cfg.configFile, strings.Join(file.Names(), ", "))
			return nil
		}
	}
	logger, slogger := newLogger(cfg.logFormat, cfg.logLevel)
	level.Info(logger).Log("msg", "starting "+name, "version", version.Info(), "build_context", version.BuildContext())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	requests := collector.NewRequestMetrics()
	def, err := newDefaultAccount(ctx, &cfg, requests, logger)
	if err != nil {
		return err
	}
	defer def.close()
	accounts, closeAccounts, err := probeAccounts(&cfg, file, def, requests, logger)
	if err != nil {
		return err
	}
	defer closeAccounts()

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		versioncollector.NewCollector(name),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		requests,
	)
	hopts := handler.Options{Timeout: cfg.timeout, Offset: cfg.offset, Logger: logger}
	prober := handler.NewProber(accounts, hopts)
	defer prober.Close()

	mux := http.NewServeMux()
	var metrics http.Handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if def != nil {
		reg.MustRegister(def.exp)
		hopts.Gatherer = reg
		metrics = handler.Metrics(def.exp, hopts)
	}
	mux.Handle(cfg.metricsPath, promhttp.InstrumentMetricHandler(reg, metrics))
	mux.Handle("/probe", prober)
	landing, err := web.NewLandingPage(landingConfig(&cfg, def, accounts))
	if err != nil {
		return err
	}
	mux.Handle("/", landing)

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	// On SIGTERM, stop accepting and let scrapes in flight finish (each is
	// bounded by its deadline) before the deferred closes run.
	shutDown := make(chan struct{})
	go func() {
		defer close(shutDown)
		<-ctx.Done()
		level.Info(logger).Log("msg", "shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.timeout+5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := web.ListenAndServe(srv, webFlags, slogger); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-shutDown
	return nil
}
