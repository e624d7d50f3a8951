package app

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/go-kit/log/level"
)

// defaultAccount is the account of the flags and the default credential
// chain (or the demo's simulator): what /metrics exports.
type defaultAccount struct {
	client *aliyun.Client
	exp    *collector.Exporter
	// stopRediscovery ends the rediscovery of --aliyun.region=all and
	// waits for it; nil without it.
	stopRediscovery func()
}

// close is safe on a nil account.
func (d *defaultAccount) close() {
	if d == nil {
		return
	}
	if d.stopRediscovery != nil {
		d.stopRediscovery()
	}
	d.exp.Close()
	d.client.Close()
}

// newDefaultAccount builds the /metrics account. With --aliyun.region=all
// it discovers the regions, assigns the zones to them, and rediscovers
// them hourly until ctx ends or the account is closed.
func (a *App) newDefaultAccount(ctx context.Context) (*defaultAccount, error) {
	cred, err := a.defaultCredential()
	if err != nil {
		return nil, err
	}
	client, err := aliyun.New(a.clientOptions(handler.DefaultAccount, a.opts.Regions, cred, a.endpoint()))
	if err != nil {
		return nil, err
	}
	regions, zones := a.opts.Regions, a.opts.RegionZones
	if a.opts.AllRegions {
		if regions, zones, err = discoverRegions(ctx, client, a.opts.Zones); err != nil {
			client.Close()
			return nil, err
		}
		level.Info(a.logger).Log("msg", "discovered regions", "regions", strings.Join(regions, ","))
	}
	opts := a.collectorOptions(zones, client)
	opts.Regions = regions
	d := &defaultAccount{client: client, exp: collector.New(client, opts)}
	for _, r := range regions {
		level.Info(a.logger).Log("msg", "exporting region", "region", r, "endpoint", client.Endpoint(r), "zones", strings.Join(zones[r], ","))
	}
	if a.opts.AllRegions {
		r := rediscovery{lister: client, target: d.exp, every: rediscoverEvery, logger: a.logger}
		d.stopRediscovery = r.start(ctx)
	}
	return d, nil
}

// discoverRegions lists the account's regions for --aliyun.region=all and
// assigns --aliyun.zone to them: the one time the zones are assigned when
// the regions are not known up front.
func discoverRegions(ctx context.Context, lister regionLister, zoneFlag []string) ([]string, map[string][]string, error) {
	regions, err := lister.Regions(ctx, bootstrapRegion)
	if err != nil {
		return nil, nil, fmt.Errorf("--aliyun.region=all: DescribeRegions failed: %w", err)
	}
	if err := checkRegionIDs(regions); err != nil {
		return nil, nil, fmt.Errorf("--aliyun.region=all: %w", err)
	}
	zones, err := aliyun.AssignZones(zoneFlag, regions)
	if err != nil {
		return nil, nil, fmt.Errorf("--aliyun.zone: %w", err)
	}
	return regions, zones, nil
}

// clientOptions configures the client of the named account (the /probe
// name; handler.DefaultAccount for the flags' account).
func (a *App) clientOptions(account string, regions []string, cred *aliyun.Credential, endpoint *url.URL) aliyun.Options {
	o := a.opts
	return aliyun.Options{
		Regions: regions, Credential: cred, Endpoint: endpoint, Network: o.Network,
		PageSize: o.PageSize, RateLimit: o.RateLimit, MaxInflight: o.MaxInflight,
		MaxRetries: o.MaxRetries, Observer: a.requests.ForAccount(account),
	}
}

func (a *App) collectorOptions(zones map[string][]string, client *aliyun.Client) collector.Options {
	o := a.opts
	opts := collector.Options{
		Zones: zones, CacheTTL: o.CacheTTL, MaxStaleness: o.MaxStaleness,
		OnlyCurrent: o.OnlyCurrent, Logger: a.logger,
	}
	if o.Info {
		opts.Info = collector.InfoOptions{Source: client, Refresh: o.InfoRefresh, Tags: o.InfoTags}
	}
	health, events := lifecycleSources(client)
	return withLifecycle(opts, o, health, events)
}

// withLifecycle turns on in opts the health and events collectors that
// the flags ask for and that have a source.
func withLifecycle(opts collector.Options, o *options.Options, health collector.HealthSource, events collector.EventSource) collector.Options {
	if o.Health && health != nil {
		opts.Health = health
	}
	if o.Events && events != nil {
		opts.Events = collector.EventOptions{Source: events, Refresh: o.EventsRefresh, Lookback: o.EventsLookback}
	}
	return opts
}

// addAccounts builds /probe's accounts: the default one (if any) and every
// --config.file account, each with its own client.
func (a *App) addAccounts(files []fileAccount) error {
	a.accounts = map[string]*handler.Account{}
	if a.def != nil {
		a.accounts[handler.DefaultAccount] = &handler.Account{
			Source: a.def.client, Regions: a.def.exp.Regions, Options: a.collectorOptions(nil, a.def.client),
		}
	}
	for _, f := range files {
		if _, dup := a.accounts[f.name]; dup {
			return fmt.Errorf("--config.file: account %q is the name /probe gives the --aliyun.region account; rename it", f.name)
		}
		endpoint := f.endpoint
		if endpoint == nil {
			endpoint = a.endpoint()
		}
		client, err := aliyun.New(a.clientOptions(f.name, f.regions, f.cred, endpoint))
		if err != nil {
			return fmt.Errorf("--config.file: accounts: %s: %w", f.name, err)
		}
		a.clients = append(a.clients, client)
		regions := slices.Clone(f.regions)
		a.accounts[f.name] = &handler.Account{
			Source: client, Regions: func() []string { return regions }, Options: a.collectorOptions(nil, client),
		}
		level.Info(a.logger).Log("msg", "probe account", "account", f.name, "regions", strings.Join(regions, ","), "credentials", f.cred.Type())
	}
	return nil
}
