package main

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// bootstrapRegion answers DescribeRegions for --aliyun.region=all.
const bootstrapRegion = "cn-hangzhou"

// rediscoverEvery is how often --aliyun.region=all looks for new regions.
const rediscoverEvery = time.Hour

// defaultAccount is the account of the flags and the default credential
// chain (or the demo's simulator): what /metrics exports.
type defaultAccount struct {
	client *aliyun.Client
	exp    *collector.Exporter
}

func (d *defaultAccount) close() {
	if d != nil {
		d.exp.Close()
		d.client.Close()
	}
}

// newDefaultAccount builds the /metrics account, or returns nil when only
// --config.file accounts are configured.
func newDefaultAccount(ctx context.Context, s *settings, obs aliyun.Observer, logger log.Logger) (*defaultAccount, error) {
	if len(s.regions) == 0 && !s.demo && !s.allRegions {
		return nil, nil
	}
	var demo *simulator.Config
	if s.demo {
		demo = demoDefaults(s)
	}
	if !s.allRegions {
		// Check the zones before anything is contacted.
		if _, err := aliyun.AssignZones(s.zones, s.regions); err != nil {
			return nil, fmt.Errorf("--aliyun.zone: %w", err)
		}
	}
	cred, err := credential(ctx, s, demo, logger)
	if err != nil {
		return nil, err
	}
	client, err := aliyun.New(clientOptions(s, s.regions, cred, s.endpointURL, obs))
	if err != nil {
		return nil, err
	}
	if s.allRegions {
		if s.regions, err = client.Regions(ctx, bootstrapRegion); err != nil {
			client.Close()
			return nil, fmt.Errorf("--aliyun.region=all: DescribeRegions failed: %w", err)
		}
		level.Info(logger).Log("msg", "discovered regions", "regions", strings.Join(s.regions, ","))
	}
	zones, err := aliyun.AssignZones(s.zones, s.regions)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("--aliyun.zone: %w", err)
	}
	opts := collectorOptions(s, zones, client, logger)
	opts.Regions = s.regions
	exp := collector.New(client, opts)
	for _, r := range s.regions {
		level.Info(logger).Log("msg", "exporting region", "region", r, "endpoint", client.Endpoint(r), "zones", strings.Join(zones[r], ","))
	}
	if s.allRegions {
		go rediscover(ctx, client, exp, logger)
	}
	return &defaultAccount{client: client, exp: exp}, nil
}

// rediscover refreshes the region list of --aliyun.region=all hourly.
func rediscover(ctx context.Context, client *aliyun.Client, exp *collector.Exporter, logger log.Logger) {
	t := time.NewTicker(rediscoverEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		regions, err := client.Regions(dctx, bootstrapRegion)
		cancel()
		if err != nil {
			level.Warn(logger).Log("msg", "re-discovering regions failed; keeping the current ones", "code", aliyun.ErrorCode(err), "err", err)
			continue
		}
		if old := exp.Regions(); !slices.Equal(old, regions) {
			level.Info(logger).Log("msg", "regions changed", "regions", strings.Join(regions, ","))
			exp.SetRegions(regions)
		}
	}
}

func clientOptions(s *settings, regions []string, cred aliyun.Credential, endpoint *url.URL, obs aliyun.Observer) aliyun.Options {
	return aliyun.Options{
		Regions: regions, Credential: cred, Endpoint: endpoint, Network: s.network,
		PageSize: s.pageSize, RateLimit: s.rateLimit, MaxInflight: s.maxInflight,
		MaxRetries: s.maxRetries, Observer: obs,
	}
}

func collectorOptions(s *settings, zones map[string][]string, client *aliyun.Client, logger log.Logger) collector.Options {
	opts := collector.Options{
		Zones: zones, CacheTTL: s.cacheTTL, MaxStaleness: s.maxStaleness,
		OnlyCurrent: s.onlyCurrent, Logger: logger,
	}
	if s.info {
		opts.Info = collector.InfoOptions{Source: client, Refresh: s.infoRefresh, Tags: s.infoTags}
	}
	return opts
}

// loadConfig reads --config.file and checks that each account's credential
// source can be built.
func loadConfig(s *settings) (*config.File, error) {
	f, err := config.Load(s.configFile)
	if err != nil {
		return nil, err
	}
	for _, name := range f.Names() {
		if _, err := aliyun.SourcedCredential(credentialSource(f.Accounts[name].Credentials)); err != nil {
			return nil, fmt.Errorf("--config.file %s: accounts: %s: credentials: %w", s.configFile, name, err)
		}
	}
	return f, nil
}

func credentialSource(c config.Credentials) aliyun.CredentialSource {
	return aliyun.CredentialSource{
		Profile: c.Profile, CLIProfile: c.CLIProfile,
		RoleARN: c.RoleARN, ExternalID: c.ExternalID, RoleSessionName: c.RoleSessionName,
	}
}

// probeAccounts builds /probe's accounts: the default one (if any) and every
// account of the config file, each with its own client.
func probeAccounts(s *settings, f *config.File, def *defaultAccount, obs aliyun.Observer, logger log.Logger) (map[string]*handler.Account, func(), error) {
	accounts := map[string]*handler.Account{}
	var clients []*aliyun.Client
	closeAll := func() {
		for _, c := range clients {
			c.Close()
		}
	}
	if def != nil {
		opts := collectorOptions(s, nil, def.client, logger)
		accounts[handler.DefaultAccount] = &handler.Account{Source: def.client, Regions: def.exp.Regions, Options: opts}
	}
	if f == nil {
		return accounts, closeAll, nil
	}
	for _, name := range f.Names() {
		a := f.Accounts[name]
		if _, dup := accounts[name]; dup {
			closeAll()
			return nil, nil, fmt.Errorf("--config.file: account %q is the name /probe gives the --aliyun.region account; rename it", name)
		}
		cred, err := aliyun.SourcedCredential(credentialSource(a.Credentials))
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("--config.file: accounts: %s: credentials: %w", name, err)
		}
		endpoint := s.endpointURL
		if a.Endpoint != "" {
			endpoint, _ = config.ParseEndpoint(a.Endpoint) // checked by config.Load
		}
		client, err := aliyun.New(clientOptions(s, a.Regions, cred, endpoint, obs))
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("--config.file: accounts: %s: %w", name, err)
		}
		clients = append(clients, client)
		regions := slices.Clone(a.Regions)
		accounts[name] = &handler.Account{Source: client, Regions: func() []string { return regions }, Options: collectorOptions(s, nil, client, logger)}
		level.Info(logger).Log("msg", "probe account", "account", name, "regions", strings.Join(regions, ","), "credentials", credentialType(cred))
	}
	return accounts, closeAll, nil
}

func landingConfig(s *settings, def *defaultAccount, accounts map[string]*handler.Account) web.LandingConfig {
	links := []web.LandingLinks{{Address: s.metricsPath, Text: "Metrics"}}
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
		Name:        name,
		Description: "Prometheus exporter for Alibaba Cloud ECS instance status",
		Version:     version.Info(),
		Links:       links,
		ExtraHTML:   extra.String(),
	}
}

func credentialType(c aliyun.Credential) string {
	if t := c.GetType(); t != nil {
		return *t
	}
	return "unknown"
}

// credential resolves the vendor default chain, or in demo mode starts the
// built-in simulator and points the exporter at it.
func credential(ctx context.Context, s *settings, demo *simulator.Config, logger log.Logger) (aliyun.Credential, error) {
	if demo != nil {
		return startDemo(ctx, s, *demo, logger)
	}
	cred, err := aliyun.DefaultCredential()
	if err != nil {
		return nil, aliyun.ErrNoCredentials
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
func demoDefaults(s *settings) *simulator.Config {
	sc := simulator.Demo()
	if len(s.regions) == 0 {
		for r := range sc.Regions {
			s.regions = append(s.regions, r)
		}
		slices.Sort(s.regions)
	}
	return &sc
}

func startDemo(ctx context.Context, s *settings, sc simulator.Config, logger log.Logger) (aliyun.Credential, error) {
	sim := simulator.New(sc)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("--demo: starting the simulator: %w", err)
	}
	go sim.Churn(ctx, 10*time.Second, time.Now().UnixNano())
	if s.endpointURL == nil {
		s.endpointURL, _ = parseEndpoint(base)
	}
	level.Info(logger).Log("msg", "demo mode: serving a simulated fleet", "simulator", base)
	return aliyun.StaticCredential(simulator.DemoAccessKeyID, simulator.DemoAccessKeySecret, "")
}
