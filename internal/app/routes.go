package app

import (
	"net/http"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/exporter-toolkit/web"
)

// routes builds the registry and the mux: the metrics path, /probe and
// the landing page.
func (a *App) routes() error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		versioncollector.NewCollector(options.Name),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		a.requests,
	)
	metrics := a.handlers(reg)
	landing, err := web.NewLandingPage(landingConfig(a.opts.MetricsPath, a.def, a.accounts))
	if err != nil {
		return err
	}
	a.mux = http.NewServeMux()
	a.mux.Handle(a.opts.MetricsPath, promhttp.InstrumentMetricHandler(reg, metrics))
	a.mux.Handle("/probe", a.prober)
	a.mux.Handle("/", landing)
	return nil
}

// handlers builds the /metrics handler and a.prober, the /probe handler:
// the one place that knows the handlers' API. Without a default account,
// /metrics serves the exporter's own metrics only.
func (a *App) handlers(reg *prometheus.Registry) (metrics http.Handler) {
	hopts := handler.Options{Timeout: a.opts.Timeout, Offset: a.opts.TimeoutOffset, Logger: a.logger}
	a.prober = handler.NewProber(a.accounts, hopts)
	if a.def == nil {
		return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	}
	reg.MustRegister(a.def.exp)
	hopts.Gatherer = reg
	return handler.Metrics(a.def.exp, hopts)
}
