package app

import (
	"net/http"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/statuspage"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes builds the registry and the mux: the metrics path, /probe, the
// landing and status pages and, with --web.enable-pprof, the profiles.
func (a *App) routes() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		versioncollector.NewCollector(options.Name),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		a.requests,
	)
	metrics := a.handlers(reg)
	pages := a.pageOptions()
	a.mux = http.NewServeMux()
	a.mux.Handle(a.opts.MetricsPath, promhttp.InstrumentMetricHandler(reg, metrics))
	a.mux.Handle("/probe", a.prober)
	a.mux.Handle("/status", statuspage.Status(pages))
	a.mux.Handle("/", statuspage.Landing(pages))
	if a.opts.EnablePprof {
		handlePprof(a.mux)
	}
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
