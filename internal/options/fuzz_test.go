package options

// Fuzz targets for the flag values a user types: every checked flag, parsed
// by kingpin as on the command line, and --aliyun.endpoint. `make fuzz` runs
// each briefly; see README, "Fuzzing", for a longer run.

import (
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
)

// FuzzParseEndpoint: an accepted endpoint is http(s) with a host and nothing
// else, and its host is what the SDK takes as Endpoint (host[:port], no
// scheme, path, user, query or fragment characters, no spaces or control
// characters); written back as scheme://host it is accepted again unchanged.
// A refused one gets a message that names the flag.
func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8080", "https://ecs-vpc.cn-hangzhou.aliyuncs.com/", "http://[::1]:80", "127.0.0.1:8080",
		"ftp://127.0.0.1", "http://127.0.0.1:8080/api", "http://user:pw@host", "http://host?x=1", "http://host#f",
		"http://", "http:///", "https://h%20ost", "http://host:port", "http://[fe80::1%25en0]:80", "HTTP://HOST",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseEndpoint(s)
		if err != nil {
			if !strings.Contains(err.Error(), "--aliyun.endpoint") {
				t.Fatalf("error %q does not name the flag", err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("%q accepted with scheme %q", s, u.Scheme)
		}
		if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("%q accepted as %#v", s, u)
		}
		if i := strings.IndexFunc(u.Host, func(r rune) bool {
			return strings.ContainsRune("/?#@\\", r) || unicode.IsSpace(r) || unicode.IsControl(r)
		}); i >= 0 {
			t.Fatalf("%q accepted with host %q, which the SDK cannot take as host[:port]", s, u.Host)
		}
		// The SDK builds every request URL as scheme://host/ (tea's
		// DoRequest), so that must parse, to the same host.
		sdkURL := u.Scheme + "://" + u.Host + "/"
		if back, err := url.Parse(sdkURL); err != nil || back.Host != u.Host {
			t.Fatalf("%q accepted, but the SDK's request URL %q parses as %v, %v", s, sdkURL, back, err)
		}
		again, err := parseEndpoint(sdkURL)
		if err != nil || again.Host != u.Host || again.Scheme != u.Scheme {
			t.Fatalf("%q accepted as %s, which then parses as %v, %v", s, sdkURL, again, err)
		}
	})
}

// checkedFlags are the flags whose values addFlags checks, with what an
// accepted value must satisfy.
var checkedFlags = []struct {
	name string
	ok   func(o *Options) bool
}{
	{"aliyun.network", func(o *Options) bool { return o.Network == "public" || o.Network == "vpc" }},
	{"aliyun.page-size", func(o *Options) bool { return o.PageSize >= 1 && o.PageSize <= 50 }},
	{"aliyun.rate-limit", func(o *Options) bool {
		return o.RateLimit >= 0 && !math.IsInf(o.RateLimit, 0) && !math.IsNaN(o.RateLimit)
	}},
	{"aliyun.max-inflight", func(o *Options) bool { return o.MaxInflight >= 1 && o.MaxInflight <= 1<<16 }},
	{"aliyun.max-retries", func(o *Options) bool { return o.MaxRetries >= 0 && o.MaxRetries <= 100 }},
	{"collector.timeout", func(o *Options) bool { return o.Timeout > 0 }},
	{"collector.timeout-offset", func(o *Options) bool { return o.TimeoutOffset >= 0 }},
	{"collector.cache-ttl", func(o *Options) bool { return o.CacheTTL >= 0 }},
	{"collector.max-staleness", func(o *Options) bool { return o.MaxStaleness >= 0 }},
	{"collector.events.refresh", func(o *Options) bool { return o.EventsRefresh > 0 }},
	{"collector.events.lookback", func(o *Options) bool { return o.EventsLookback > 0 && o.EventsLookback <= 30*24*time.Hour }},
	{"log.level", func(o *Options) bool { return slices.Contains([]string{"debug", "info", "warn", "error"}, o.LogLevel) }},
	{"log.format", func(o *Options) bool { return o.LogFormat == "logfmt" || o.LogFormat == "json" }},
}

// FuzzFlagValues gives any value to each checked flag through kingpin, as
// `--flag=value` on the command line: an accepted value is in the flag's
// range, and the value as kingpin shows it (String) is accepted again as
// the same value; a refused one gets an error that names the flag and
// quotes the value.
func FuzzFlagValues(f *testing.F) {
	for _, v := range []string{"50", "0", "51", "-1", "1e3", "NaN", "+Inf", "1e400", "0x10", "1_0", "30s", "0s", "-5s", "1h1m", "500ms", "9223372036854775807ns", "vpc", "debug", "", " 1", "١"} {
		f.Add(uint8(0), v)
	}
	f.Fuzz(func(t *testing.T, pick uint8, v string) {
		fl := checkedFlags[int(pick)%len(checkedFlags)]
		o, shown, err := parseFlag(fl.name, v)
		if err != nil {
			if !strings.Contains(err.Error(), "--"+fl.name) {
				t.Fatalf("--%s=%q: error %q does not name the flag", fl.name, v, err)
			}
			return
		}
		if !fl.ok(o) {
			t.Fatalf("--%s=%q accepted out of range: %+v", fl.name, v, o)
		}
		_, again, err := parseFlag(fl.name, shown)
		if err != nil {
			t.Fatalf("--%s=%q accepted, shown as %q, which is refused: %v", fl.name, v, shown, err)
		}
		if again != shown {
			t.Fatalf("--%s=%q: shown as %q, re-read as %q", fl.name, v, shown, again)
		}
	})
}

// parseFlag parses one --name=value with the exporter's flag definitions,
// and returns the flag's value as kingpin then shows it (its String).
func parseFlag(name, value string) (*Options, string, error) {
	var o Options
	app := newApp(&o)
	app.Terminate(nil)
	app.UsageWriter(discard{})
	app.ErrorWriter(discard{})
	_, err := app.Parse([]string{"--" + name + "=" + value})
	return &o, app.GetFlag(name).Model().Value.String(), err
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// parsedFlags are the flags FuzzParse gives any value to: every flag whose
// value Parse checks, but the two that name files to read.
var parsedFlags = []string{
	"aliyun.region", "aliyun.zone", "aliyun.endpoint", "aliyun.network", "aliyun.page-size",
	"aliyun.rate-limit", "aliyun.max-inflight", "aliyun.max-retries", "collector.timeout",
	"collector.timeout-offset", "collector.cache-ttl", "collector.max-staleness",
	"collector.info.refresh", "collector.info.tags", "collector.events.refresh", "collector.events.lookback",
	"web.telemetry-path", "log.level", "log.format",
}

// FuzzParse gives any value to one flag, beside --aliyun.region=cn-hangzhou,
// through the whole of Parse: it never panics; a refusal names the flag;
// and what it accepts is safe downstream: the metrics path goes on a
// ServeMux beside /probe, /status, /debug/pprof/ and / without a panic and
// serves only itself, the regions are region IDs, the endpoint is http(s).
func FuzzParse(f *testing.F) {
	for _, v := range []string{"", "all", "cn-hangzhou", "cn hangzhou", "<b>", "/probe", "/status", "/debug/pprof/heap", "/a b", "/m{", "/{x}", "/metrics?x=1", "/metrics/", "/x/../y", "http://127.0.0.1:1", "cn-hangzhou-h", "a,b", "\n", "30s"} {
		f.Add(uint8(0), v)
	}
	f.Fuzz(func(t *testing.T, pick uint8, v string) {
		name := parsedFlags[int(pick)%len(parsedFlags)]
		o, err := Parse([]string{"--aliyun.region=cn-hangzhou", "--" + name + "=" + v}, noEnv)
		if err != nil {
			if !strings.Contains(err.Error(), "--"+name) {
				t.Fatalf("--%s=%q: error %q does not name the flag", name, v, err)
			}
			return
		}
		mux := http.NewServeMux()
		metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
		mux.Handle(o.MetricsPath, metrics)
		mux.Handle("/probe", http.NotFoundHandler())
		mux.Handle("/status", http.NotFoundHandler())
		mux.Handle("/debug/pprof/", http.NotFoundHandler())
		mux.Handle("/", http.NotFoundHandler())
		for path, want := range map[string]int{o.MetricsPath: http.StatusTeapot, o.MetricsPath + "/x": http.StatusNotFound, "/x" + o.MetricsPath: http.StatusNotFound} {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}})
			if rec.Code != want {
				t.Fatalf("--web.telemetry-path=%q accepted, and GET %q answers %d, want %d", o.MetricsPath, path, rec.Code, want)
			}
		}
		for _, r := range o.Regions {
			if !config.ValidRegion(r) {
				t.Fatalf("--%s=%q accepted region %q", name, v, r)
			}
		}
		if o.Endpoint != nil && o.Endpoint.Scheme != "http" && o.Endpoint.Scheme != "https" {
			t.Fatalf("--%s=%q accepted endpoint %v", name, v, o.Endpoint)
		}
	})
}
