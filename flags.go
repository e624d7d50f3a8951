package main

import (
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	slgk "github.com/tjhop/slog-gokit"
)

// settings is every flag, parsed and checked.
type settings struct {
	regions      []string
	zones        []string
	endpoint     string
	network      string
	pageSize     int
	rateLimit    float64
	maxInflight  int
	maxRetries   int
	timeout      time.Duration
	offset       time.Duration
	cacheTTL     time.Duration
	maxStaleness time.Duration
	onlyCurrent  bool
	metricsPath  string
	logLevel     string
	logFormat    string
	demo         bool
	info         bool
	infoRefresh  time.Duration
	infoTags     []string
	configFile   string
	configCheck  bool
	allRegions   bool // --aliyun.region=all
	endpointURL  *url.URL
}

func addFlags(a *kingpin.Application, c *settings) {
	a.Flag("aliyun.region", "Region to export, e.g. cn-hangzhou. Repeat for more; at least one unless --demo or --config.file. 'all' discovers the account's regions with DescribeRegions at start-up and hourly.").StringsVar(&c.regions)
	a.Flag("aliyun.zone", "Limit its region to this zone, e.g. cn-hangzhou-h (sent as ZoneId). Repeatable.").StringsVar(&c.zones)
	a.Flag("aliyun.endpoint", "One API endpoint for every region, with scheme: http://127.0.0.1:8080 or an https private endpoint. Default: the SDK's regional endpoints.").StringVar(&c.endpoint)
	flagVar(a, "aliyun.network", "Endpoint network: public, or vpc for the SDK's ecs-vpc endpoints.", "public", &c.network, oneOf("public", "vpc"))
	flagVar(a, "aliyun.page-size", "DescribeInstanceStatus PageSize, 1..50.", "50", &c.pageSize, intIn(1, aliyun.MaxPageSize))
	flagVar(a, "aliyun.rate-limit", "API requests per second per region; 0 = unlimited.", "10", &c.rateLimit, nonNegativeFloat)
	flagVar(a, "aliyun.max-inflight", "API requests in flight across all regions.", "16", &c.maxInflight, intIn(1, 1<<16))
	flagVar(a, "aliyun.max-retries", "Retries of one API call on throttling, 5xx and network errors, with backoff, never past the scrape deadline.", "3", &c.maxRetries, intIn(0, 100))
	flagVar(a, "collector.timeout", "Scrape deadline when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds.", "30s", &c.timeout, duration(false))
	flagVar(a, "collector.timeout-offset", "Taken off X-Prometheus-Scrape-Timeout-Seconds to leave time for the response.", "500ms", &c.offset, duration(true))
	flagVar(a, "collector.cache-ttl", "Serve a sweep younger than this again instead of calling the API; 0 = every scrape sweeps.", "0s", &c.cacheTTL, duration(true))
	flagVar(a, "collector.max-staleness", "When a region's sweep fails, serve its last complete result if younger than this (ecs_up stays 0); 0 = never.", "10m", &c.maxStaleness, duration(true))
	a.Flag("collector.status.only-current", "Emit only the value-1 series of ecs_instance_status, for very large fleets.").BoolVar(&c.onlyCurrent)
	a.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").StringVar(&c.metricsPath)
	flagVar(a, "log.level", "Log level: debug, info, warn, error.", "info", &c.logLevel, oneOf("debug", "info", "warn", "error"))
	flagVar(a, "log.format", "Log format: logfmt, json.", "logfmt", &c.logFormat, oneOf("logfmt", "json"))
	a.Flag("demo", "Serve a simulated fleet from the built-in simulator; no cloud account needed.").BoolVar(&c.demo)
	a.Flag("collector.info", "Also export ecs_instance_info (name, type, zone, tags) from DescribeInstances.").BoolVar(&c.info)
	flagVar(a, "collector.info.refresh", "How often ecs_instance_info is refreshed, in the background.", "5m", &c.infoRefresh, duration(false))
	flagVar(a, "collector.info.tags", "Comma-separated tag keys to export as tag_<key> labels of ecs_instance_info, e.g. team,env.", "", &c.infoTags, tagList)
	a.Flag("config.file", "YAML file of named accounts for /probe (see README, \"Many accounts\").").StringVar(&c.configFile)
	a.Flag("config.check", "Check --config.file and exit.").BoolVar(&c.configCheck)
}

// checkedValue is a kingpin.Value whose parse error names the flag and what
// it accepts, which kingpin's own typed flags do not.
type checkedValue[T any] struct {
	name  string
	dst   *T
	parse parser[T]
}

// parser turns a flag's text into a value, or says what it accepts.
type parser[T any] struct {
	accepts string
	parse   func(string) (T, bool)
}

func (v *checkedValue[T]) Set(s string) error {
	x, ok := v.parse.parse(s)
	if !ok {
		return fmt.Errorf("--%s=%q: must be %s", v.name, s, v.parse.accepts)
	}
	*v.dst = x
	return nil
}

func (v *checkedValue[T]) String() string { return fmt.Sprint(*v.dst) }

func flagVar[T any](a *kingpin.Application, name, help, def string, dst *T, p parser[T]) {
	a.Flag(name, help).Default(def).SetValue(&checkedValue[T]{name: name, dst: dst, parse: p})
}

func oneOf(values ...string) parser[string] {
	return parser[string]{"one of " + strings.Join(values, ", "), func(s string) (string, bool) {
		return s, slices.Contains(values, s)
	}}
}

func intIn(lo, hi int) parser[int] {
	return parser[int]{fmt.Sprintf("a whole number from %d to %d", lo, hi), func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi
	}}
}

var nonNegativeFloat = parser[float64]{"a number, 0 or more", func(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && f >= 0 && !math.IsInf(f, 0)
}}

func duration(zeroOK bool) parser[time.Duration] {
	accepts := "a duration above 0, e.g. 30s or 1m"
	if zeroOK {
		accepts = "a duration, 0 or more, e.g. 0s, 500ms or 5m"
	}
	return parser[time.Duration]{accepts, func(s string) (time.Duration, bool) {
		d, err := time.ParseDuration(s)
		return d, err == nil && (d > 0 || (zeroOK && d == 0))
	}}
}

var tagList = parser[[]string]{"comma-separated tag keys that become distinct tag_<key> labels, e.g. team,env", func(s string) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	keys := strings.Split(s, ",")
	_, err := collector.TagLabels(keys)
	return keys, err == nil
}}

// check validates what one flag alone cannot.
func (c *settings) check() error {
	if c.configCheck && c.configFile == "" {
		return fmt.Errorf("--config.check: give the file to check with --config.file")
	}
	if len(c.regions) == 0 && !c.demo && c.configFile == "" {
		return fmt.Errorf("--aliyun.region: give at least one region, e.g. --aliyun.region=cn-hangzhou, or 'all' (or run with --demo, or --config.file for /probe)")
	}
	if slices.Contains(c.regions, "all") {
		if len(c.regions) > 1 {
			return fmt.Errorf("--aliyun.region=all: discovers every region, so give it alone, not with %s", strings.Join(slices.DeleteFunc(slices.Clone(c.regions), func(r string) bool { return r == "all" }), ", "))
		}
		if c.demo {
			return fmt.Errorf("--aliyun.region=all: not with --demo, which has its own regions")
		}
		c.allRegions, c.regions = true, nil
	}
	if len(c.metricsPath) == 0 || c.metricsPath[0] != '/' || c.metricsPath == "/" {
		return fmt.Errorf("--web.telemetry-path=%q: must start with / and not be / itself, e.g. /metrics", c.metricsPath)
	}
	if c.endpoint != "" {
		u, err := parseEndpoint(c.endpoint)
		if err != nil {
			return err
		}
		c.endpointURL = u
	}
	return nil
}

// parseEndpoint checks --aliyun.endpoint (see config.ParseEndpoint).
func parseEndpoint(s string) (*url.URL, error) {
	u, err := config.ParseEndpoint(s)
	if err != nil {
		return nil, fmt.Errorf("--aliyun.endpoint=%w", err)
	}
	return u, nil
}

// newLogger builds the go-kit logger and the slog bridge exporter-toolkit
// wants, both at the same level.
func newLogger(format, lvl string) (log.Logger, *slog.Logger) {
	w := log.NewSyncWriter(os.Stderr)
	var l log.Logger
	if format == "json" {
		l = log.NewJSONLogger(w)
	} else {
		l = log.NewLogfmtLogger(w)
	}
	l = log.With(l, "ts", log.DefaultTimestampUTC)
	allow := map[string]level.Option{
		"debug": level.AllowDebug(), "info": level.AllowInfo(),
		"warn": level.AllowWarn(), "error": level.AllowError(),
	}[lvl]
	slogLevel := map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError,
	}[lvl]
	l = level.NewFilter(l, allow)
	return l, slog.New(slgk.NewGoKitHandler(l, slogLevel))
}
