package options

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// noEnv is an empty environment.
func noEnv(string) string { return "" }

// TestBadFlagValuesAreRefusedQuotedWithWhatTheFlagAccepts: each value,
// given to its flag beside --aliyun.region=cn-hangzhou, is refused with an
// error that names the flag with the value as given (--flag="value") and
// says each of want.
func TestBadFlagValuesAreRefusedQuotedWithWhatTheFlagAccepts(t *testing.T) {
	for _, tc := range []struct {
		flag   string
		values []string
		want   []string
	}{
		{"aliyun.page-size", []string{"0", "51"}, []string{"1 to 50"}},
		{"aliyun.network", []string{"intranet"}, []string{"public, vpc"}},
		{"aliyun.rate-limit", []string{"-1", "fast"}, []string{"0 or more"}},
		{"aliyun.max-inflight", []string{"0"}, nil},
		{"aliyun.max-retries", []string{"-1"}, nil},
		{"aliyun.endpoint", []string{"127.0.0.1:8080", "ftp://127.0.0.1"}, []string{"http://"}},
		{"aliyun.endpoint", []string{"http://127.0.0.1:8080/api"}, nil},
		{"aliyun.endpoint", []string{"http://\u0098", "https://ecs.exämple.com"}, []string{"plain ASCII", "xn--"}},
		{"collector.timeout", []string{"0s"}, []string{"above 0"}},
		{"collector.timeout-offset", []string{"soon"}, []string{"duration"}},
		{"collector.cache-ttl", []string{"-5s"}, []string{"0 or more"}},
		{"collector.info.tags", []string{"cost-center,cost_center"}, []string{"tag_<key>"}},
		{"collector.info.refresh", []string{"0s"}, nil},
		{"collector.events.refresh", []string{"0s"}, []string{"above 0"}},
		{"collector.events.lookback", []string{"0s"}, []string{"above 0"}},
		{"collector.events.lookback", []string{"721h"}, []string{"at most 720h0m0s", "30 days"}},
		{"collector.events.lookback", []string{"a day"}, []string{"duration"}},
		{"log.level", []string{"loud"}, []string{"debug, info, warn, error"}},
		{"log.format", []string{"xml"}, []string{"logfmt, json"}},
		{"web.telemetry-path", []string{"metrics", "/", "/a b", "/m{", "/{x}", "/metrics?x=1", "/metrics#top", "//metrics", "/x/../metrics", "/m%20", "/metrics/"}, []string{"such as /metrics"}},
		{"web.telemetry-path", []string{"/probe"}, []string{"not / itself or /probe"}},
		{"web.telemetry-path", []string{"/status"}, []string{"nor /status"}},
		{"web.telemetry-path", []string{"/debug/pprof/heap"}, []string{"/debug/pprof"}},
	} {
		for _, v := range tc.values {
			arg := "--" + tc.flag + "=" + v
			t.Run(arg, func(t *testing.T) {
				wantRefusal(t, []string{"--aliyun.region=cn-hangzhou", arg}, append([]string{"--" + tc.flag + "=" + strconv.Quote(v)}, tc.want...))
			})
		}
	}
}

func TestBadFlagsFailWithAMessageNamingTheFlagAndWhatItAccepts(t *testing.T) {
	region := "--aliyun.region=cn-hangzhou"
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"--aliyun.region", "--demo"}},
		{[]string{region, "--aliyun.endpoint=https://ecs-vpc.cn-hangzhou.aliyuncs.com", "--aliyun.network=vpc"}, []string{"--aliyun.endpoint", "--aliyun.network=vpc", "one or the other"}},
		{[]string{region, "--aliyun.zone=eu-central-1a"}, []string{"--aliyun.zone", "eu-central-1a", "cn-hangzhou"}},
		{[]string{"--demo", "--aliyun.zone=cn-beijing-a"}, []string{"--aliyun.zone", "cn-beijing-a", "cn-hangzhou"}},
		{[]string{"--aliyun.region=all", region}, []string{"--aliyun.region=all", "alone"}},
		{[]string{region, "--aliyun.region=eu-central-1", region}, []string{"--aliyun.region=cn-hangzhou", "twice"}},
		{[]string{"--aliyun.region="}, []string{`--aliyun.region=""`, "region ID such as cn-hangzhou"}},
		{[]string{"--aliyun.region=cn hangzhou"}, []string{`--aliyun.region="cn hangzhou"`, "region ID"}},
		{[]string{`--aliyun.region="cn-hangzhou"`}, []string{`--aliyun.region="\"cn-hangzhou\""`, "region ID"}},
		{[]string{`--aliyun.region=cn-hangzhou\`}, []string{"--aliyun.region", "region ID"}},
		{[]string{"--aliyun.region=cn-hangzhou\n"}, []string{`--aliyun.region="cn-hangzhou\n"`, "region ID"}},
		{[]string{"--aliyun.region=<b>x</b>"}, []string{"--aliyun.region", "region ID"}},
		{[]string{"--demo", "--aliyun.region=Cn-Hangzhou"}, []string{"--aliyun.region", "region ID"}},
		{[]string{"--aliyun.region=all", "--demo"}, []string{"--aliyun.region=all", "--demo"}},
		{[]string{"--config.check"}, []string{"--config.check", "--config.file"}},
		{[]string{"--config.file=../config/testdata/bad-unknown-key.yml"}, []string{"--config.file", "field region not found"}},
		{[]string{"--config.file=../config/testdata/does-not-exist.yml", "--config.check"}, []string{"--config.file", "no such file"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) { wantRefusal(t, tc.args, tc.want) })
	}
}

// wantRefusal checks that Parse refuses args with an error that says each
// of want.
func wantRefusal(t *testing.T, args, want []string) {
	t.Helper()
	_, err := Parse(args, noEnv)
	if err == nil {
		t.Fatal("Parse accepted it")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

func TestDebugNamingTheSDKIsRefusedWithTheReason(t *testing.T) {
	for _, debug := range []string{"dara", "sdk,tea", "dara,sdk,tea"} {
		_, err := Parse([]string{"--demo"}, func(k string) string {
			if k == "DEBUG" {
				return debug
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "unset DEBUG") {
			t.Errorf("DEBUG=%s: %v, want a refusal that says to unset DEBUG", debug, err)
		}
	}
}

func TestParseWorksOutWhatTheFlagsImply(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		check func(t *testing.T, o *Options)
	}{
		{"the demo exports its own regions", []string{"--demo"}, func(t *testing.T, o *Options) {
			if !slices.Equal(o.Regions, []string{"cn-hangzhou", "cn-shanghai", "eu-central-1", "us-west-1"}) || !o.HasDefaultAccount() {
				t.Errorf("regions %v", o.Regions)
			}
		}},
		{"the optional collectors are off by default", []string{"--aliyun.region=cn-hangzhou"}, func(t *testing.T, o *Options) {
			if o.Health || o.Events || o.Info || o.EventsRefresh != time.Minute || o.EventsLookback != 24*time.Hour {
				t.Errorf("health %v, events %v (every %v, lookback %v), info %v", o.Health, o.Events, o.EventsRefresh, o.EventsLookback, o.Info)
			}
		}},
		{"the demo turns every optional collector on", []string{"--demo"}, func(t *testing.T, o *Options) {
			if !o.Health || !o.Events || !o.Info {
				t.Errorf("health %v, events %v, info %v", o.Health, o.Events, o.Info)
			}
		}},
		{"the events lookback reaches the API's 30 days", []string{"--aliyun.region=cn-hangzhou", "--collector.events", "--collector.events.lookback=720h", "--collector.events.refresh=5m"}, func(t *testing.T, o *Options) {
			if !o.Events || o.EventsLookback != 30*24*time.Hour || o.EventsRefresh != 5*time.Minute {
				t.Errorf("events %v, lookback %v, refresh %v", o.Events, o.EventsLookback, o.EventsRefresh)
			}
		}},
		{"the demo exports only the regions given", []string{"--demo", "--aliyun.region=us-west-1"}, func(t *testing.T, o *Options) {
			if !slices.Equal(o.Regions, []string{"us-west-1"}) {
				t.Errorf("regions %v", o.Regions)
			}
		}},
		{"all regions leaves the regions and zones to discovery", []string{"--aliyun.region=all", "--aliyun.zone=cn-beijing-a"}, func(t *testing.T, o *Options) {
			if !o.AllRegions || o.Regions != nil || o.RegionZones != nil || !o.HasDefaultAccount() {
				t.Errorf("AllRegions %v, regions %v, zones %v", o.AllRegions, o.Regions, o.RegionZones)
			}
		}},
		{"zones are assigned to their regions", []string{"--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1", "--aliyun.zone=eu-central-1a", "--aliyun.zone=cn-hangzhou-h"}, func(t *testing.T, o *Options) {
			if got := o.RegionZones; len(got) != 2 || got["eu-central-1"][0] != "eu-central-1a" || got["cn-hangzhou"][0] != "cn-hangzhou-h" {
				t.Errorf("zones %v", got)
			}
		}},
		{"the endpoint is parsed", []string{"--aliyun.region=cn-hangzhou", "--aliyun.endpoint=http://127.0.0.1:8080"}, func(t *testing.T, o *Options) {
			if o.Endpoint == nil || o.Endpoint.Host != "127.0.0.1:8080" {
				t.Errorf("endpoint %v", o.Endpoint)
			}
		}},
		{"no endpoint means the SDK's", []string{"--aliyun.region=cn-hangzhou"}, func(t *testing.T, o *Options) {
			if o.Endpoint != nil || o.Network != "public" || o.MetricsPath != "/metrics" || o.Web == nil {
				t.Errorf("endpoint %v, network %q, path %q", o.Endpoint, o.Network, o.MetricsPath)
			}
		}},
		{"profiling is off unless asked for", []string{"--aliyun.region=cn-hangzhou"}, func(t *testing.T, o *Options) {
			if o.EnablePprof {
				t.Error("EnablePprof is on by default")
			}
		}},
		{"--web.enable-pprof turns profiling on", []string{"--aliyun.region=cn-hangzhou", "--web.enable-pprof"}, func(t *testing.T, o *Options) {
			if !o.EnablePprof {
				t.Error("EnablePprof is off")
			}
		}},
		{"the config file alone serves only /probe", []string{"--config.file=../config/testdata/good.yml", "--aliyun.zone=cn-hangzhou-h"}, func(t *testing.T, o *Options) {
			if o.HasDefaultAccount() || o.Accounts == nil || !slices.Equal(o.Accounts.Names(), []string{"audit", "chain", "prod"}) {
				t.Errorf("default account %v, accounts %v", o.HasDefaultAccount(), o.Accounts)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Parse(tc.args, noEnv)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, o)
		})
	}
}

func TestParseEndpointKeepsSchemeAndHost(t *testing.T) {
	for _, s := range []string{"http://127.0.0.1:8080", "https://ecs-vpc.cn-hangzhou.aliyuncs.com/"} {
		u, err := parseEndpoint(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			t.Errorf("%s: parsed as %+v", s, u)
		}
	}
}
