package app

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// landingConfig is the landing page: a link to the metrics, the default
// account's regions, and one example probe per account. exporter-toolkit
// renders it with text/template, which escapes nothing, so every value is
// escaped here: query values for the URL, then HTML for the page.
func landingConfig(metricsPath string, def *defaultAccount, accounts map[string]*handler.Account) web.LandingConfig {
	links := []web.LandingLinks{{Address: html.EscapeString(metricsPath), Text: "Metrics"}}
	var extra strings.Builder
	if def != nil {
		regions := def.exp.Regions()
		fmt.Fprintf(&extra, "<p>Regions: %s</p>", html.EscapeString(strings.Join(regions, ", ")))
	}
	names := make([]string, 0, len(accounts))
	for n := range accounts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		regions := accounts[n].Regions()
		if len(regions) == 0 {
			continue
		}
		addr := "/probe?region=" + url.QueryEscape(regions[0]) + "&account=" + url.QueryEscape(n)
		links = append(links, web.LandingLinks{
			Address: html.EscapeString(addr),
			Text:    html.EscapeString("Probe " + n + " in " + regions[0]),
		})
	}
	return web.LandingConfig{
		Name:        options.Name,
		Description: "Prometheus exporter for Alibaba Cloud ECS instance status",
		Version:     version.Info(),
		Links:       links,
		ExtraHTML:   extra.String(),
	}
}
