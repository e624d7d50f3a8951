// Package options is the exporter's front door: every command-line flag,
// parsed and validated once by Parse. A flag's mistake is refused here with
// a message that names the flag and what it accepts, before anything starts
// or any cloud API is contacted. What the flags imply (the demo's regions,
// the parsed endpoint, each region's zones, the --config.file accounts) is
// worked out here too, so that nothing downstream changes an Options:
// internal/app only reads it.
package options

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
)

// Name is the program's name, as its version, logs and landing page give it.
const Name = "aliyun_ecs_exporter"

// Options is every flag of the exporter, parsed and validated. It is
// read-only once Parse returns it.
type Options struct {
	// Regions are what /metrics exports: --aliyun.region, or the demo's
	// regions when --demo names none. Empty with AllRegions, and when only
	// --config.file accounts are served.
	Regions []string
	// AllRegions is --aliyun.region=all: the account's regions are
	// discovered at start-up and hourly.
	AllRegions bool
	// Zones is --aliyun.zone as given.
	Zones []string
	// RegionZones is Zones by region of Regions (see aliyun.AssignZones).
	// With AllRegions it is nil: the zones are assigned once the regions
	// are discovered.
	RegionZones map[string][]string
	// Options is what every account's aliyun.Client is built from, as
	// the --aliyun.* flags set it: Endpoint is --aliyun.endpoint, parsed
	// (nil means the SDK's regional endpoints or, with --demo, the
	// simulator); Network is --aliyun.network; PageSize, RateLimit,
	// MaxInflight and MaxRetries are the API limits. Its Regions,
	// Credential and Observer are left zero: internal/app sets them for
	// each account.
	aliyun.Options
	// Timeout and TimeoutOffset are --collector.timeout and
	// --collector.timeout-offset: the scrape deadline.
	Timeout       time.Duration
	TimeoutOffset time.Duration
	// CacheTTL, MaxStaleness and OnlyCurrent are the --collector.* sweep
	// options, as collector.Options takes them.
	CacheTTL     time.Duration
	MaxStaleness time.Duration
	OnlyCurrent  bool
	// Info, InfoRefresh and InfoTags are --collector.info*. --demo sets
	// Info.
	Info        bool
	InfoRefresh time.Duration
	InfoTags    []string
	// Health is --collector.health; --demo sets it.
	Health bool
	// Events, EventsRefresh and EventsLookback are --collector.events*;
	// --demo sets Events.
	Events         bool
	EventsRefresh  time.Duration
	EventsLookback time.Duration
	// MetricsPath is --web.telemetry-path.
	MetricsPath string
	// EnablePprof is --web.enable-pprof: serve (and link) /debug/pprof/.
	EnablePprof bool
	// LogLevel and LogFormat are --log.level and --log.format.
	LogLevel  string
	LogFormat string
	// Demo is --demo: serve the built-in simulator's fleet.
	Demo bool
	// ConfigFile is --config.file, and Accounts its accounts, read and
	// checked; Accounts is nil without the flag.
	ConfigFile string
	Accounts   *config.File
	// ConfigCheck is --config.check: check ConfigFile and exit.
	ConfigCheck bool
	// Web is exporter-toolkit's --web.listen-address and --web.config.file.
	Web *web.FlagConfig

	flags flags
}

// Parse parses args (without the program name) and validates the result.
// getenv reads the environment (os.Getenv). --help and --version print
// and exit, as kingpin does.
func Parse(args []string, getenv func(string) string) (*Options, error) {
	o := &Options{}
	a := newApp(o)
	if _, err := a.Parse(args); err != nil {
		return nil, err
	}
	if err := o.validate(getenv); err != nil {
		return nil, err
	}
	return o, nil
}

// newApp is the kingpin application that fills o.
func newApp(o *Options) *kingpin.Application {
	a := kingpin.New(Name, "Prometheus exporter for Alibaba Cloud ECS instance status.")
	o.addFlags(a)
	o.Web = kingpinflag.AddFlags(a, ":9877")
	a.Version(version.Print(Name))
	a.HelpFlag.Short('h')
	return a
}

// HasDefaultAccount says whether /metrics exports an account of its own
// (the flags' or the demo's), as opposed to serving only --config.file
// accounts on /probe.
func (o *Options) HasDefaultAccount() bool {
	return len(o.Regions) > 0 || o.AllRegions
}

// validate checks what one flag alone cannot, and works out what the flags
// imply. It runs once, from Parse.
func (o *Options) validate(getenv func(string) string) error {
	for _, check := range []func() error{
		o.checkConfigCheck, o.setRegions, o.setDemoCollectors, o.checkMetricsPath, o.setEndpoint,
		func() error { return checkDebug(getenv) }, func() error { return o.checkEnvCredential(getenv) },
		o.loadConfig, o.setZones, o.checkWebConfig,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (o *Options) checkConfigCheck() error {
	if o.ConfigCheck && o.ConfigFile == "" {
		return fmt.Errorf("--config.check: give the file to check with --config.file")
	}
	return nil
}

// setRegions sets Regions and AllRegions from --aliyun.region and --demo.
func (o *Options) setRegions() error {
	regions := o.flags.regions
	if len(regions) == 0 && !o.Demo && o.ConfigFile == "" {
		return fmt.Errorf("--aliyun.region: give at least one region, e.g. --aliyun.region=cn-hangzhou, or 'all' (or run with --demo, or --config.file for /probe)")
	}
	if slices.Contains(regions, "all") {
		if len(regions) > 1 {
			others := slices.DeleteFunc(slices.Clone(regions), func(r string) bool { return r == "all" })
			return fmt.Errorf("--aliyun.region=all: discovers every region, so give it alone, not with %s", strings.Join(others, ", "))
		}
		if o.Demo {
			return fmt.Errorf("--aliyun.region=all: not with --demo, which has its own regions")
		}
		o.AllRegions = true
		return nil
	}
	if err := checkRegions(regions); err != nil {
		return err
	}
	o.Regions = slices.Clone(regions)
	if len(o.Regions) == 0 && o.Demo {
		o.Regions = demoRegions()
	}
	return nil
}

// setDemoCollectors turns every optional collector on for --demo, which
// shows all the exporter can do.
func (o *Options) setDemoCollectors() error {
	if o.Demo {
		o.Health, o.Events, o.Info = true, true, true
	}
	return nil
}

// checkRegions refuses a region given twice (it would be swept twice, and
// every series doubled) and anything but a region ID, as --config.file does.
func checkRegions(regions []string) error {
	seen := map[string]bool{}
	for _, r := range regions {
		if !config.ValidRegion(r) {
			return fmt.Errorf("--aliyun.region=%q: must be a region ID such as cn-hangzhou (lower-case letters, digits and dashes), or 'all'", r)
		}
		if seen[r] {
			return fmt.Errorf("--aliyun.region=%s: given twice; give each region once", r)
		}
		seen[r] = true
	}
	return nil
}

// demoRegions are the regions of the --demo fleet, sorted.
func demoRegions() []string {
	var regions []string
	for r := range simulator.Demo().Regions {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	return regions
}

// metricsPath is what --web.telemetry-path accepts: names of URL-safe
// characters, each after a /. That leaves out what ServeMux would read as
// a pattern (wildcards {x}, a subtree's trailing /, spaces, a method or
// host), a query or fragment that no request path can match, and
// escapes.
var metricsPath = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

func (o *Options) checkMetricsPath() error {
	p := o.MetricsPath
	taken := p == "/probe" || p == "/status" || p == "/debug/pprof" || strings.HasPrefix(p, "/debug/pprof/")
	if !metricsPath.MatchString(p) || taken || slices.ContainsFunc(strings.Split(p, "/"), func(s string) bool { return s == "." || s == ".." }) {
		return fmt.Errorf("--web.telemetry-path=%q: must be a path such as /metrics or /ecs/metrics: names of letters, digits, '.', '_', '~' and '-', each after a /, not / itself or /probe, nor /status or /debug/pprof (the status page and the profiles)", p)
	}
	return nil
}

func (o *Options) setEndpoint() error {
	if o.flags.endpoint == "" {
		return nil
	}
	if o.Network == "vpc" {
		return fmt.Errorf("--aliyun.endpoint and --aliyun.network=vpc: the endpoint replaces the SDK's VPC endpoints, so give one or the other")
	}
	u, err := parseEndpoint(o.flags.endpoint)
	o.Endpoint = u
	return err
}

// parseEndpoint checks --aliyun.endpoint (see config.ParseEndpoint).
func parseEndpoint(s string) (*url.URL, error) {
	u, err := config.ParseEndpoint(s)
	if err != nil {
		return nil, fmt.Errorf("--aliyun.endpoint=%w", err)
	}
	return u, nil
}

// setZones assigns --aliyun.zone to the regions, before anything is
// contacted. With AllRegions that waits for the regions (internal/app
// does it); without a default account there is nothing to assign.
func (o *Options) setZones() error {
	if o.AllRegions || !o.HasDefaultAccount() {
		return nil
	}
	zones, err := aliyun.AssignZones(o.Zones, o.Regions)
	if err != nil {
		return fmt.Errorf("--aliyun.zone: %w", err)
	}
	o.RegionZones = zones
	return nil
}

// checkWebConfig reads --web.config.file as exporter-toolkit will, so that
// a mistake in it stops the start-up naming the flag, before anything
// listens.
func (o *Options) checkWebConfig() error {
	path := *o.Web.WebConfigFile
	if err := web.Validate(path); err != nil {
		return fmt.Errorf("--web.config.file=%s: %w", path, err)
	}
	return nil
}

// loadConfig reads and checks --config.file.
func (o *Options) loadConfig() error {
	if o.ConfigFile == "" {
		return nil
	}
	f, err := config.Load(o.ConfigFile)
	o.Accounts = f
	return err
}
