package app

import (
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// landingConfig is the landing page: a link to the metrics, the default
// account's regions, and one example probe per account.
func landingConfig(metricsPath string, def *defaultAccount, accounts map[string]*collector.Account) web.LandingConfig {
	links := []web.LandingLinks{{Address: metricsPath, Text: "Metrics"}}
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
		addr := "/probe?region=" + regions[0] + "&account=" + n
		links = append(links, web.LandingLinks{Address: addr, Text: "Probe " + n + " in " + regions[0]})
	}
	return web.LandingConfig{
		Name:        options.Name,
		Description: "Prometheus exporter for Alibaba Cloud ECS instance status",
		Version:     version.Info(),
		Links:       links,
		ExtraHTML:   extra.String(),
	}
}
