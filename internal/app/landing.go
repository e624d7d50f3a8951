package app

import (
	"net/http"
	"net/http/pprof"
	"net/url"
	"slices"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/buildinfo"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/statuspage"
)

// pageOptions are the landing and status pages' (internal/statuspage):
// the accounts' regions as they stand when a page is asked for, a link to
// the metrics, one example probe per account, and the profiles with
// --web.enable-pprof.
func (a *App) pageOptions() statuspage.Options {
	return statuspage.Options{
		Name:        options.Name,
		Description: "Prometheus exporter for Alibaba Cloud ECS instance status",
		Version:     buildinfo.Summary(),
		MetricsPath: a.opts.MetricsPath,
		Demo:        a.demo != nil,
		Pprof:       a.opts.EnablePprof,
		Links:       probeLinks(a.accounts),
		Accounts:    a.statusAccounts,
	}
}

// probeLinks are one example probe per account: its first region. The
// page escapes them (html/template); here they are only URL-encoded.
func probeLinks(accounts map[string]*handler.Account) []statuspage.Link {
	names := make([]string, 0, len(accounts))
	for n := range accounts {
		names = append(names, n)
	}
	slices.Sort(names)
	var links []statuspage.Link
	for _, n := range names {
		regions := accounts[n].Regions()
		if len(regions) == 0 {
			continue
		}
		links = append(links, statuspage.Link{
			Address: "/probe?region=" + url.QueryEscape(regions[0]) + "&account=" + url.QueryEscape(n),
			Text:    "Probe " + n + " in " + regions[0],
		})
	}
	return links
}

// statusAccounts are the accounts the pages show: the default account of
// /metrics, then each account's targets that /probe has served.
func (a *App) statusAccounts() []statuspage.Account {
	var out []statuspage.Account
	if a.def != nil {
		out = append(out, statuspage.Account{Name: handler.DefaultAccount, Path: a.opts.MetricsPath, Regions: a.def.exp.Status()})
	}
	probed := len(out)
	for _, t := range a.prober.Targets() {
		if len(out) == probed || out[len(out)-1].Name != t.Account {
			out = append(out, statuspage.Account{Name: t.Account, Path: "/probe"})
		}
		last := &out[len(out)-1]
		last.Regions = append(last.Regions, t.Exporter.Status()...)
	}
	return out
}

// handlePprof serves Go's profiles under /debug/pprof/, for
// --web.enable-pprof.
func handlePprof(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}
