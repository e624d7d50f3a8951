package options

import (
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// maxEventsLookback is --collector.events.lookback's largest value: the
// API keeps finished events for 30 days.
const maxEventsLookback = 30 * 24 * time.Hour

// flags holds what the command line says, before validate works out what
// it means; only validate reads it.
type flags struct {
	regions  []string
	endpoint string
}

// addFlags defines every flag of the exporter but exporter-toolkit's web
// flags. Checked values (checkedValue) are refused as kingpin parses them;
// what depends on more than one flag is left to validate.
func (o *Options) addFlags(a *kingpin.Application) {
	a.Flag("aliyun.region", "Region to export, e.g. cn-hangzhou. Repeat for more; at least one unless --demo or --config.file. 'all' discovers the account's regions with DescribeRegions at start-up and hourly.").StringsVar(&o.flags.regions)
	a.Flag("aliyun.zone", "Limit its region to this zone, e.g. cn-hangzhou-h (sent as ZoneId). Repeatable.").StringsVar(&o.Zones)
	a.Flag("aliyun.endpoint", "One API endpoint for every region, with scheme: http://127.0.0.1:8080 or an https private endpoint. Default: the SDK's regional endpoints.").StringVar(&o.flags.endpoint)
	flagVar(a, "aliyun.network", "Endpoint network: public, or vpc for the SDK's ecs-vpc endpoints.", "public", &o.Network, oneOf("public", "vpc"))
	flagVar(a, "aliyun.page-size", "DescribeInstanceStatus PageSize, 1..50.", "50", &o.PageSize, intIn(1, aliyun.MaxPageSize))
	flagVar(a, "aliyun.rate-limit", "API requests per second per region; 0 = unlimited.", "10", &o.RateLimit, nonNegativeFloat)
	flagVar(a, "aliyun.max-inflight", "API requests in flight across all regions.", "16", &o.MaxInflight, intIn(1, 1<<16))
	flagVar(a, "aliyun.max-retries", "Retries of one API call on throttling, 5xx and network errors, with backoff, never past the scrape deadline.", "3", &o.MaxRetries, intIn(0, 100))
	flagVar(a, "collector.timeout", "Scrape deadline when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds.", "30s", &o.Timeout, duration(false))
	flagVar(a, "collector.timeout-offset", "Taken off X-Prometheus-Scrape-Timeout-Seconds to leave time for the response.", "500ms", &o.TimeoutOffset, duration(true))
	flagVar(a, "collector.cache-ttl", "Serve a sweep younger than this again instead of calling the API; 0 = every scrape sweeps.", "0s", &o.CacheTTL, duration(true))
	flagVar(a, "collector.max-staleness", "When a region's sweep fails, serve its last complete result if younger than this (ecs_up stays 0); 0 = never.", "10m", &o.MaxStaleness, duration(true))
	a.Flag("collector.status.only-current", "Emit only the value-1 series of ecs_instance_status, for very large fleets.").BoolVar(&o.OnlyCurrent)
	a.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").StringVar(&o.MetricsPath)
	a.Flag("web.enable-pprof", "Serve Go's profiling endpoints under /debug/pprof/ (and link them from the landing page).").BoolVar(&o.EnablePprof)
	flagVar(a, "log.level", "Log level: debug, info, warn, error.", "info", &o.LogLevel, oneOf("debug", "info", "warn", "error"))
	flagVar(a, "log.format", "Log format: logfmt, json.", "logfmt", &o.LogFormat, oneOf("logfmt", "json"))
	a.Flag("demo", "Serve a simulated fleet from the built-in simulator, with --collector.health, --collector.events and --collector.info on; no cloud account needed.").BoolVar(&o.Demo)
	a.Flag("collector.info", "Also export ecs_instance_info (name, type, zone, tags) from DescribeInstances.").BoolVar(&o.Info)
	flagVar(a, "collector.info.refresh", "How often ecs_instance_info is refreshed, in the background.", "5m", &o.InfoRefresh, duration(false))
	flagVar(a, "collector.info.tags", "Comma-separated tag keys to export as tag_<key> labels of ecs_instance_info, e.g. team,env.", "", &o.InfoTags, tagList)
	a.Flag("collector.health", "Also export ecs_instance_health_status from DescribeInstancesFullStatus, fetched with each sweep (needs ecs:DescribeInstancesFullStatus).").BoolVar(&o.Health)
	a.Flag("collector.events", "Also export the system events' ecs_instance_event_*_timestamp_seconds from DescribeInstanceHistoryEvents, listed in the background (needs ecs:DescribeInstanceHistoryEvents).").BoolVar(&o.Events)
	flagVar(a, "collector.events.refresh", "How often the system events are listed, in the background.", "1m", &o.EventsRefresh, duration(false))
	flagVar(a, "collector.events.lookback", "How long after it finished a system event is still exported; at most 30 days, which the API keeps.", "24h", &o.EventsLookback, durationUpTo(maxEventsLookback, "the API keeps finished events 30 days"))
	a.Flag("config.file", "YAML file of named accounts for /probe (see README, \"Many accounts\").").StringVar(&o.ConfigFile)
	a.Flag("config.check", "Check --config.file and exit.").BoolVar(&o.ConfigCheck)
}
