package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// App is the exporter's parts, wired from Options: the accounts, the
// registry and the HTTP handlers and, with --demo, the simulator. It serves
// HTTP as an http.Handler; Close releases what New opened.
type App struct {
	opts     *options.Options
	logger   log.Logger
	requests *collector.RequestMetrics

	demo     *demo           // nil without --demo
	def      *defaultAccount // nil when only --config.file accounts are served
	accounts map[string]*handler.Account
	clients  []*aliyun.Client // the --config.file accounts' clients
	prober   *handler.Prober
	mux      *http.ServeMux
	closed   sync.Once
}

// New builds the App of opts: it starts the demo simulator if asked,
// resolves the credentials, discovers the regions of --aliyun.region=all
// (and from then on rediscovers them until ctx ends or Close), and builds
// the handlers. It serves nothing yet.
func New(ctx context.Context, opts *options.Options, logger log.Logger) (_ *App, err error) {
	files, err := fileAccounts(opts)
	if err != nil {
		return nil, err
	}
	a := &App{opts: opts, logger: logger, requests: collector.NewRequestMetrics()}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if opts.Demo {
		if a.demo, err = startDemo(logger); err != nil {
			return nil, err
		}
	}
	if opts.HasDefaultAccount() {
		if a.def, err = a.newDefaultAccount(ctx); err != nil {
			return nil, err
		}
	}
	if err := a.addAccounts(files); err != nil {
		return nil, err
	}
	a.routes()
	return a, nil
}

// ServeHTTP implements http.Handler: /metrics (--web.telemetry-path),
// /probe, the landing page, /status and, with --web.enable-pprof,
// /debug/pprof/.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Close stops the probed exporters, the default account (and its
// rediscovery), the --config.file clients and the demo simulator, in that
// order. Call it once the server has stopped; later calls do nothing.
func (a *App) Close() {
	a.closed.Do(func() {
		if a.prober != nil {
			a.prober.Close()
		}
		for _, c := range a.clients {
			c.Close()
		}
		a.def.close()
		a.demo.Close()
	})
}

// endpoint is the API endpoint of every account that names none of its
// own: --aliyun.endpoint, else with --demo the simulator, else nil (the
// SDK's regional endpoints).
func (a *App) endpoint() *url.URL {
	if a.opts.Endpoint == nil && a.demo != nil {
		return a.demo.endpoint
	}
	return a.opts.Endpoint
}

// Run runs the exporter until ctx is done (main ends it on SIGINT or
// SIGTERM), then lets the scrapes in flight finish and closes the App.
// It logs to stderr. With --config.check it only checks the file and
// reports to stdout.
func Run(ctx context.Context, opts *options.Options, stdout, stderr io.Writer) error {
	if opts.ConfigCheck {
		return CheckConfig(opts, stdout)
	}
	logger, slogger := newLogger(stderr, opts.LogFormat, opts.LogLevel)
	level.Info(logger).Log("msg", "starting "+options.Name, "version", version.Info(), "build_context", version.BuildContext())
	defer ignoreHangups(logger)()
	a, err := New(ctx, opts, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	listen := func() error { return web.ListenAndServe(srv, opts.Web, slogger) }
	return serve(ctx, srv, listen, opts.Timeout+5*time.Second, logger)
}

// CheckConfig is --config.check: it builds the credential source of every
// --config.file account and reads its profile as far as it can without
// the network (aliyun.CheckSource; a role is not assumed), then reports
// "FILE: OK, accounts: a, b" to w.
func CheckConfig(opts *options.Options, w io.Writer) error {
	if _, err := fileAccounts(opts); err != nil {
		return err
	}
	if opts.Accounts != nil {
		for _, name := range opts.Accounts.Names() {
			if err := aliyun.CheckSource(opts.Accounts.Accounts[name].Credentials); err != nil {
				return fmt.Errorf("--config.file %s: accounts: %s: credentials: %w", opts.ConfigFile, name, err)
			}
		}
	}
	_, err := fmt.Fprintf(w, "%s: OK, accounts: %s\n", opts.ConfigFile, strings.Join(opts.Accounts.Names(), ", "))
	return err
}
